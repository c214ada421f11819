import {describe, expect, it} from 'vitest'
import {ScopedValue} from '../../src/core/scoped-value.js'
import {CollectingSink, Session, traceMiddlewares, type InferenceFn, type Middleware} from '../../src/core/index.js'

const pass: Middleware = (next) => (turn, ctx) => next(turn, ctx)
const engine: InferenceFn = async (turn) => turn

describe('ScopedValue', () => {
  it('gives the value of its own innermost run, across awaits, and nothing outside', async () => {
    const a = new ScopedValue<string>()
    const b = new ScopedValue<string>()
    expect(a.getStore()).toBeUndefined()
    const seen = await a.run('a1', async () => {
      await Promise.resolve()
      return b.run('b1', async () => {
        await new Promise((r) => setTimeout(r, 1))
        const inner = await a.run('a2', async () => [a.getStore(), b.getStore()])
        return [...inner, a.getStore(), b.getStore()]
      })
    })
    expect(seen).toEqual(['a2', 'b1', 'a1', 'b1'])
    expect([a.getStore(), b.getStore()]).toEqual([undefined, undefined])
  })

  it('concurrent runs of one instance do not see each other', async () => {
    const v = new ScopedValue<number>()
    const read = (n: number) => v.run(n, async () => (await new Promise((r) => setTimeout(r, 3 - n)), v.getStore()))
    expect(await Promise.all([read(1), read(2), read(3)])).toEqual([1, 2, 3])
  })

  // An AsyncLocalStorage per traced chain put one property per chain ever run on every later promise.
  it('tracing many chains adds nothing to the async resources created afterwards', async () => {
    const symbolsOfAPromise = (): number => Object.getOwnPropertySymbols(Promise.resolve()).length
    const runChain = async (i: number): Promise<void> => {
      const chain = traceMiddlewares(engine, [{name: `m${i}`, middleware: pass}])
      const session = new Session(`conv-${i}`, {run: chain.around(chain.inference), sinks: [new CollectingSink()]})
      await session.start(session.seedWithPrompt('hi')).wait()
    }
    // The first run enables the module-level storages (run context, scopes): counted before.
    await runChain(0)
    const before = symbolsOfAPromise()
    for (let i = 1; i <= 50; i++) await runChain(i)
    expect(symbolsOfAPromise()).toBe(before)
  })
})
