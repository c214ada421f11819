import {describe, expect, it} from 'vitest'
import {CollectingSink, RunInProgressError, Session, StreamingMessage, appendBlocks, sleep, type InferenceFn} from '../../src/core/index.js'
import {waitUntil} from './helpers.js'

/** Streams `words` one by one with a delay, honouring cancel. */
function streamingEngine(words: string[], delayMs: number): InferenceFn {
  return async (turn, ctx) => {
    const msg = new StreamingMessage('test')
    for (const w of words) {
      await sleep(delayMs, ctx.signal)
      msg.textDelta(w)
    }
    return appendBlocks(turn, ...msg.finish({stopReason: 'stop'}))
  }
}

describe('Session / ExecutionHandle', () => {
  it('runs, returns a handle with an inference id, and grows the snapshot run after run', async () => {
    const sink = new CollectingSink()
    const session = new Session('conv-1', {run: streamingEngine(['a ', 'b'], 0), sinks: [sink]})
    const first = session.start(session.seedWithPrompt('one'))
    expect(first.inferenceId).toMatch(/^inf_/)
    expect(await first.wait()).toMatchObject({status: 'completed', inferenceId: first.inferenceId})
    const second = session.start(session.seedWithPrompt('two'))
    expect(second.inferenceId).not.toBe(first.inferenceId)
    expect(second.turnId).not.toBe(first.turnId)
    await second.wait()
    expect(session.snapshot().blocks.map((b) => [b.kind, b.payload.text])).toEqual([
      ['user', 'one'],
      ['llm_text', 'a b'],
      ['user', 'two'],
      ['llm_text', 'a b'],
    ])
    expect(new Set(sink.events.map((e) => e.meta.session_id))).toEqual(new Set(['conv-1']))
  })

  it('refuses a second start while running, naming the running inference id', async () => {
    const session = new Session('conv-2', {run: streamingEngine(['x', 'y', 'z'], 20), sinks: []})
    const handle = session.start(session.seedWithPrompt('one'))
    let refused: unknown
    try {
      session.start(session.seedWithPrompt('two'))
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(RunInProgressError)
    expect((refused as RunInProgressError).inferenceId).toBe(handle.inferenceId)
    await handle.wait()
    expect(session.running()).toBeUndefined()
  })

  it('cancel publishes interrupt with the partial text, keeps it in the snapshot, and the session stays usable', async () => {
    const sink = new CollectingSink()
    const session = new Session('conv-3', {run: streamingEngine(['one ', 'two ', 'three ', 'four'], 25), sinks: [sink]})
    const handle = session.start(session.seedWithPrompt('go'))
    await waitUntil(() => sink.events.filter((e) => e.type === 'partial').length >= 2)
    handle.cancel()
    const outcome = await handle.wait()
    expect(outcome.status).toBe('cancelled')
    const interrupt = sink.events.find((e) => e.type === 'interrupt')
    expect(interrupt).toMatchObject({type: 'interrupt', meta: {inference_id: handle.inferenceId}})
    const partialText = (interrupt as {text: string}).text
    expect(partialText.startsWith('one two')).toBe(true)
    expect(sink.events.some((e) => e.type === 'final')).toBe(false)
    // The interrupt names the message still open, so the stream can close it; run-finished comes last.
    expect(interrupt!.meta.message_id).toBe(sink.events.find((e) => e.type === 'start')!.meta.message_id)
    expect(sink.events.at(-1)).toMatchObject({type: 'run-finished', status: 'cancelled', meta: {inference_id: handle.inferenceId}})
    const kept = session.snapshot().blocks.at(-1)!
    expect(kept).toMatchObject({kind: 'llm_text', payload: {text: partialText}, metadata: {interrupted: true}})

    const again = session.start(session.seedWithPrompt('again'))
    expect((await again.wait()).status).toBe('completed')
  })

  it('cancel with a failure ends the run as failed: one error event with its code, no interrupt', async () => {
    const sink = new CollectingSink()
    const session = new Session('conv-3f', {run: streamingEngine(['one ', 'two ', 'three ', 'four'], 25), sinks: [sink]})
    const handle = session.start(session.seedWithPrompt('go'))
    await waitUntil(() => sink.events.filter((e) => e.type === 'partial').length >= 2)
    handle.cancel(Object.assign(new Error('events could not be published'), {code: 'bus_unavailable'}))
    handle.cancel() // a later plain cancel changes nothing: the first abort reason stands
    const outcome = await handle.wait()
    expect(outcome).toMatchObject({status: 'failed', error: 'events could not be published'})
    expect(sink.events.filter((e) => e.type === 'interrupt')).toEqual([])
    const errors = sink.events.filter((e) => e.type === 'error')
    expect(errors).toEqual([expect.objectContaining({code: 'bus_unavailable', message: 'events could not be published'})])
    // The open message is named, so its llm.final (partial text) closes it before run.error.
    expect(errors[0]!.meta.message_id).toBe(sink.events.find((e) => e.type === 'start')!.meta.message_id)
    expect(sink.events.at(-1)).toMatchObject({type: 'run-finished', status: 'failed'})
  })

  it('a failing engine ends with an error event and a usable session', async () => {
    const sink = new CollectingSink()
    const failing: InferenceFn = async () => {
      throw Object.assign(new Error('upstream said no'), {code: 'overloaded_error'})
    }
    const session = new Session('conv-4', {run: failing, sinks: [sink]})
    const outcome = await session.start(session.seedWithPrompt('q')).wait()
    expect(outcome).toMatchObject({status: 'failed', error: 'upstream said no'})
    expect(sink.events.at(-2)).toMatchObject({type: 'error', message: 'upstream said no', code: 'overloaded_error'})
    // No message was open: the error names none and carries no partial text.
    expect(sink.events.at(-2)!.meta.message_id).toBeUndefined()
    expect(sink.events.at(-1)).toMatchObject({type: 'run-finished', status: 'failed'})
    expect(session.snapshot().blocks.map((b) => b.kind)).toEqual(['user'])
    session.setPipeline({run: streamingEngine(['ok'], 0), sinks: []})
    expect((await session.start(session.seedWithPrompt('q2')).wait()).status).toBe('completed')
  })
})
