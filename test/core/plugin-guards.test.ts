import {describe, expect, it} from 'vitest'
import {
  CANCEL_GRACE_MS,
  CollectingSink,
  GuardedSink,
  guardExecutor,
  guardMiddleware,
  newTurn,
  publish,
  Session,
  ToolRegistry,
  type InferenceFn,
  type SinkFailure,
} from '../../src/core/index.js'

const never = <T>() => new Promise<T>(() => {})

describe('plugin guards (core)', () => {
  it('a sink that throws synchronously or rejects is reported once, as a log event of the run', async () => {
    const failures: SinkFailure[] = []
    let calls = 0
    const flaky = new GuardedSink('flaky', {publish: () => (++calls % 2 === 0 ? Promise.reject(new Error('async no')) : thrower())}, (f) =>
      failures.push(f),
    )
    const collected = new CollectingSink()
    const run: InferenceFn = async (turn) => {
      publish({type: 'info', message: 'one', data: {}})
      publish({type: 'info', message: 'two', data: {}})
      await new Promise((r) => setTimeout(r, 20))
      return turn
    }
    const outcome = await new Session('s1', {run, sinks: [collected, flaky]}).start(newTurn()).wait()
    expect(outcome.status).toBe('completed')
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatchObject({name: 'flaky', sessionId: 's1', inferenceId: outcome.inferenceId})
    expect(failures[0]!.message).toMatch(/^subscriber flaky failed: sync no/)
    expect(collected.events.filter((e) => e.type === 'log')).toMatchObject([{level: 'warn', fields: {subscriber: 'flaky'}}])
    expect(flaky.failureCount).toBeGreaterThan(2)
  })

  it('a run whose engine ignores its signal is abandoned after the cancel grace; nothing is published after run-finished', async () => {
    const collected = new CollectingSink()
    let wake: (() => void) | undefined
    const run: InferenceFn = async (turn) => {
      await new Promise<void>((r) => (wake = r))
      publish({type: 'info', message: 'woke up late', data: {}})
      return turn
    }
    const session = new Session('s2', {run, sinks: [collected]})
    const handle = session.start(newTurn())
    const t0 = performance.now()
    handle.cancel()
    const outcome = await handle.wait()
    expect(outcome.status).toBe('cancelled')
    expect(performance.now() - t0).toBeLessThan(CANCEL_GRACE_MS + 500)
    expect(session.running()).toBeUndefined()
    wake!()
    await new Promise((r) => setTimeout(r, 20))
    expect(collected.events.at(-1)).toMatchObject({type: 'run-finished', status: 'cancelled'})
  })

  it("a middleware's time inside next is not its own; its own time past the bound fails it", async () => {
    const slowEngine: InferenceFn = async (turn) => {
      await new Promise((r) => setTimeout(r, 120))
      return turn
    }
    const passThrough = guardMiddleware('pass', (next) => (turn, ctx) => next(turn, ctx), 50)
    const ctx = {sessionId: 's', inferenceId: 'i', turnId: 't', signal: new AbortController().signal, sinks: []}
    await expect(passThrough(slowEngine)(newTurn(), ctx)).resolves.toBeDefined()
    const hung = guardMiddleware('hung', () => () => never(), 50)
    await expect(hung(slowEngine)(newTurn(), ctx)).rejects.toThrow('middleware hung timed out after 50 ms')
    const throwsSync = guardMiddleware('sync', () => () => thrower(), 50)
    await expect(throwsSync(slowEngine)(newTurn(), ctx)).rejects.toThrow('sync no')
  })

  it('an executor that throws, rejects or hangs gives an error result; a cancel abandons it', async () => {
    const call = {id: 'c1', name: 'calc', args: {}}
    const registry = new ToolRegistry([])
    const signal = new AbortController().signal
    const ctx = {signal, registry, timeoutMs: 50}
    expect(await guardExecutor('x', {execute: () => thrower()}).execute(call, ctx)).toEqual({
      id: 'c1',
      result: null,
      error: 'tool executor x failed: sync no',
    })
    expect(await guardExecutor('x', {execute: () => Promise.reject(new Error('nope'))}).execute(call, ctx)).toMatchObject({
      error: 'tool executor x failed: nope',
    })
    expect(await guardExecutor('x', {execute: never}).execute(call, ctx)).toMatchObject({error: 'tool calc timed out after 50 ms'})
    const cancel = new AbortController()
    const pending = guardExecutor('x', {execute: never}).execute(call, {...ctx, signal: cancel.signal, timeoutMs: 60_000})
    cancel.abort()
    await expect(pending).rejects.toThrow('the run was cancelled')
  })
})

function thrower(): never {
  throw new Error('sync no')
}
