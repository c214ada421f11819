import {AbortedError} from './errors.js'

/** Default bound on a middleware's own time per call (its time inside `next` is not counted). */
export const DEFAULT_MIDDLEWARE_TIMEOUT_MS = 60_000

/** A plugin stage (a middleware, a tool executor) that took longer than its bound. */
export class StageTimeoutError extends Error {
  readonly code = 'stage_timeout'
  constructor(
    readonly stage: string,
    readonly ms: number,
  ) {
    super(`${stage} timed out after ${ms} ms`)
    this.name = 'StageTimeoutError'
  }
}

/**
 * A deadline that only runs while the stage is in its own code: `enter()`/`leave()` bracket the time
 * it waits on something else (a middleware's `next`), which has its own bounds. Nested brackets count.
 */
export class StageClock {
  private timer: NodeJS.Timeout | undefined
  private remaining: number
  private since = 0
  private away = 0

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms
    this.resume()
  }

  enter(): void {
    if (this.away++ > 0 || this.timer === undefined) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.remaining -= Date.now() - this.since
  }

  leave(): void {
    if (--this.away === 0 && this.remaining !== Infinity) this.resume()
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.remaining = Infinity
  }

  private resume(): void {
    this.since = Date.now()
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remaining))
  }
}

export interface GuardOptions {
  /** Aborting it abandons the stage at once (AbortedError), whether or not the stage listens. */
  readonly signal: AbortSignal
  /** Abandons the stage with StageTimeoutError once its clock runs out. */
  readonly timeoutMs: number
  /** Named in the timeout error: `middleware NAME`, `tool calc`. */
  readonly stage: string
  /** Called with the clock, so the stage can pause it while it waits on others (see StageClock). */
  readonly withClock?: (clock: StageClock) => void
}

/**
 * Runs one plugin call so that it cannot wedge the run: a synchronous throw becomes a rejection, a
 * cancel or the stage's timeout settles the answer at once, and a call abandoned that way that
 * rejects later is absorbed (never an unhandled rejection that would end the process).
 */
export function guardStage<T>(call: () => T | Promise<T>, options: GuardOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (options.signal.aborted) return reject(new AbortedError())
    const onAbort = () => finish(() => reject(new AbortedError()))
    const clock = new StageClock(options.timeoutMs, () => finish(() => reject(new StageTimeoutError(options.stage, options.timeoutMs))))
    let settled = false
    const finish = (settle: () => void) => {
      if (settled) return
      settled = true
      clock.stop()
      options.signal.removeEventListener('abort', onAbort)
      settle()
    }
    options.signal.addEventListener('abort', onAbort, {once: true})
    options.withClock?.(clock)
    // A synchronous throw is a rejection like any other; an abandoned call's late rejection is absorbed here.
    new Promise<T>((settle) => settle(call())).then(
      (value) => finish(() => resolve(value)),
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what the plugin threw, unchanged
      (error: unknown) => finish(() => reject(error)),
    )
  })
}
