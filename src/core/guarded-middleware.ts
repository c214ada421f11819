import type {InferenceFn} from './engine.js'
import type {Middleware} from './middleware.js'
import {ScopedValue} from './scoped-value.js'
import {guardStage, type StageClock} from './stage-guard.js'

/**
 * A plugin middleware that cannot wedge a run: each call is abandoned on cancel and once its own
 * time (not counting `next`, the engine and the middlewares inside it) passes `timeoutMs`; a
 * throw, sync or async, fails the run with the middleware named.
 */
export function guardMiddleware(name: string, middleware: Middleware, timeoutMs: number): Middleware {
  return (next) => {
    const clocks = new ScopedValue<StageClock>()
    const below: InferenceFn = async (turn, ctx) => {
      const clock = clocks.getStore()
      clock?.enter()
      try {
        return await next(turn, ctx)
      } finally {
        clock?.leave()
      }
    }
    const fn = middleware(below)
    return (turn, ctx) => {
      let clock: StageClock | undefined
      return guardStage(() => clocks.run(clock!, () => fn(turn, ctx)), {
        signal: ctx.signal,
        timeoutMs,
        stage: `middleware ${name}`,
        withClock: (c) => (clock = c),
      })
    }
  }
}
