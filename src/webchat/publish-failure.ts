import {publishTo, type Event} from '../core/index.js'
import {BUS_UNAVAILABLE, BusUnavailableError} from '../bus/redis/bus-unavailable.js'
import type {LiveConversation} from './live-conversation.js'
import {buildUnloggedFrame, translateEvent} from '../sem/index.js'

/** `run.error` code of a run ended because its events could not reach the bus. */
export {BUS_UNAVAILABLE} from '../bus/redis/bus-unavailable.js'
const REMEMBERED_RUNS = 256
/** How long a stopped run's terminal events are re-published while Redis stays away. */
export const TERMINAL_RETRY_MS = 5 * 60_000

/** The events that end a run: its one terminal frame (`run.error` / `run.cancelled`) and `run.finished`. */
const isTerminal = (event: Event): boolean => event.type === 'error' || event.type === 'interrupt' || event.type === 'run-finished'

/**
 * A run must not go on silently when its events can no longer be published (Redis gone for longer
 * than the publish window), and it must still end with exactly one terminal frame for every client:
 *
 * - the first failed publish of a running run stops it as failed (`cancel(BusUnavailableError)`):
 *   the Session then publishes one `error` (code `bus_unavailable`) and `run-finished failed`,
 *   through the BusSink like every event, so every instance logs them with a seq;
 * - those terminal events are published again, in place, while Redis stays away (each attempt
 *   waits the publish window, for up to TERMINAL_RETRY_MS), so they reach the stream, in order,
 *   once Redis is back; the run's claim is held until then;
 * - this instance's sockets get, at once, a `log` frame (level error, `fields.code`
 *   `bus_unavailable`) with no seq: news outside the log, not a terminal frame, so nobody sees the
 *   run end twice;
 * - the other events of the failed window are lost to readers.
 */
export class PublishFailureGuard {
  /** Runs stopped this way (bounded), each with when its terminal events first failed. */
  private readonly handled = new Map<string, {terminalSince: number | undefined}>()
  /** Runs whose failed publishes were logged already (bounded). */
  private readonly reported = new Set<string>()

  /**
   * True for the first failed publish of each run (inference id): the server logs that one, not the
   * events dropped with it nor each retry of the run's end while Redis stays away.
   */
  shouldReport(failed: Event): boolean {
    const inferenceId = failed.meta.inference_id
    if (this.reported.has(inferenceId)) return false
    this.reported.add(inferenceId)
    if (this.reported.size > REMEMBERED_RUNS) this.reported.delete(this.reported.values().next().value!)
    return true
  }

  /** Told about each event the BusSink could not publish; `'retry'`: publish it again, in place. */
  handle(conversation: LiveConversation, failed: Event, error: unknown): 'retry' | undefined {
    const inferenceId = failed.meta.inference_id
    if (isTerminal(failed)) return this.retryTerminal(failed, error)
    if (this.handled.has(inferenceId)) return undefined
    const run = conversation.running()
    // Events outside a running run (a rebuild notice, a run already over) are only lost.
    if (run?.inferenceId !== inferenceId) return undefined
    this.remember(inferenceId)
    const reason = error instanceof Error ? error.message : String(error)
    const message = `the run was stopped: its events could not be published (${reason})`
    run.cancel(new BusUnavailableError(message, {cause: error}))
    const origin = {sessionId: failed.meta.session_id, inferenceId, turnId: failed.meta.turn_id}
    const notice = publishTo([], origin, {
      type: 'log',
      level: 'error',
      message: `${message}; the run's end is shown once Redis is back`,
      fields: {code: BUS_UNAVAILABLE},
    })
    for (const body of translateEvent(notice)) conversation.audience.broadcast(buildUnloggedFrame(body))
    return undefined
  }

  /**
   * A terminal event that did not reach the bus is published again in place (the sink keeps it ahead
   * of everything later, and the bus fails what was queued behind it), until TERMINAL_RETRY_MS.
   */
  private retryTerminal(failed: Event, error: unknown): 'retry' | undefined {
    // A closed bus (shutdown) is not retried, nor is anything but Redis being away.
    if (!(error instanceof BusUnavailableError)) return undefined
    const inferenceId = failed.meta.inference_id
    const state = this.handled.get(inferenceId) ?? this.remember(inferenceId)
    state.terminalSince ??= Date.now()
    return Date.now() - state.terminalSince > TERMINAL_RETRY_MS ? undefined : 'retry'
  }

  private remember(inferenceId: string): {terminalSince: number | undefined} {
    const state = {terminalSince: undefined}
    this.handled.set(inferenceId, state)
    if (this.handled.size > REMEMBERED_RUNS) this.handled.delete(this.handled.keys().next().value!)
    return state
  }
}
