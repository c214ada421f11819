import type {Event} from './events.js'
import {redactString} from './redact.js'
import {currentRunContext, publishTo, type EventSink} from './run-context.js'

/** What a subscriber's first failure says (the host logs it: stderr for `jiminy run`, the server log for `serve`). */
export interface SinkFailure {
  readonly name: string
  readonly message: string
  /** The conversation and run it failed in, when it failed inside one. */
  readonly sessionId?: string
  readonly inferenceId?: string
}

/**
 * A subscriber's sink that cannot hurt the run or the process: a synchronous throw and a rejected
 * promise (an async `publish` whose webhook is down) are both caught. The first failure is reported
 * once, to `onFailure` and, while its run is still open, as a `log` event of that run (a `log`
 * frame on the page); later failures are only counted, so a dead webhook does not flood anyone.
 */
export class GuardedSink implements EventSink {
  private failures = 0
  /** The last run this sink saw end: a failure after its run-finished is not published into it. */
  private finishedInference: string | undefined

  constructor(
    readonly name: string,
    private readonly sink: EventSink,
    private readonly onFailure: (failure: SinkFailure) => void,
  ) {}

  /** How many of this subscriber's calls failed so far. */
  get failureCount(): number {
    return this.failures
  }

  publish(event: Event): void {
    if (event.type === 'run-finished') this.finishedInference = event.meta.inference_id
    let returned: unknown
    try {
      // An EventSink's publish is typed void, but a plugin's may well be async.
      returned = this.sink.publish(event)
    } catch (error) {
      // Reported after the current event has reached every sink, never in the middle of its delivery.
      queueMicrotask(() => this.failed(error))
      return
    }
    if (isThenable(returned)) returned.then(undefined, (error: unknown) => this.failed(error))
  }

  private failed(error: unknown): void {
    if (this.failures++ > 0) return
    const reason = redactString(error instanceof Error ? error.message : String(error))
    const message = `subscriber ${this.name} failed: ${reason} (reported once; later failures are only counted)`
    const run = currentRunContext()
    this.onFailure({
      name: this.name,
      message,
      ...(run ? {sessionId: run.sessionId, inferenceId: run.inferenceId} : {}),
    })
    if (!run || run.inferenceId === this.finishedInference) return
    publishTo(run.sinks, run, {type: 'log', level: 'warn', message, fields: {subscriber: this.name, code: 'subscriber_failed'}})
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as {then?: unknown} | null)?.then === 'function'
}
