import {publishTo, type Event} from '../core/index.js'
import type {Conversation} from './conversation.js'
import {buildUnloggedFrame, translateEvent} from '../sem/index.js'

/** `run.error` code of a run ended because its events could not reach the bus. */
export const BUS_UNAVAILABLE = 'bus_unavailable'
const REMEMBERED_RUNS = 256

/**
 * A run must not go on silently when its events can no longer be published (Redis gone for longer
 * than the publish window): the first failed publish of a run cancels it and sends a `run.error`
 * (code `bus_unavailable`) to this instance's sockets at once. That frame has no seq and no
 * stream_id — it is outside the log, whose next seq only the stream can assign — so clients show
 * it without moving their cursor. The same error event is also handed to the BusSink, so the
 * other instances get it (with a seq) if Redis returns while it still retries.
 */
export class PublishFailureGuard {
  /** Runs already ended this way (bounded), so each gets one error however many publishes fail. */
  private readonly handled = new Set<string>()

  handle(conversation: Conversation, failed: Event, error: unknown): void {
    const inferenceId = failed.meta.inference_id
    if (this.handled.has(inferenceId)) return
    this.remember(inferenceId)
    const run = conversation.running()
    if (run?.inferenceId === inferenceId) run.cancel()
    const reason = error instanceof Error ? error.message : String(error)
    // Handed to the BusSink too, so the other instances get it (with a seq) if Redis returns in time.
    const event = publishTo(
      [conversation.sink],
      {sessionId: failed.meta.session_id, inferenceId, turnId: failed.meta.turn_id},
      {type: 'error', message: `the run was stopped: its events could not be published (${reason})`, code: BUS_UNAVAILABLE},
    )
    for (const body of translateEvent(event)) conversation.pool.broadcast(buildUnloggedFrame(body))
  }

  private remember(inferenceId: string): void {
    this.handled.add(inferenceId)
    if (this.handled.size > REMEMBERED_RUNS) this.handled.delete(this.handled.values().next().value!)
  }
}
