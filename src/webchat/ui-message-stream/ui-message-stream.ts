import type {ServerResponse} from 'node:http'
import type {Event, RunStatus} from '../../core/index.js'
import type {RecordedEvent, RunEventLog} from './run-event-log.js'
import {SseWriter, type SseWriterOptions} from './sse-writer.js'
import {toUIMessageChunks, type TranslationContext} from './translator.js'
import {runFinishReasonOf, type UIMessageChunk} from './ui-message-chunk.js'

/** The run a stream follows. */
export interface StreamedRun {
  readonly convId: string
  readonly inferenceId: string
  readonly runEvents: RunEventLog
  /** Resolves once the run ended and its events reached the bus (ends a stream whose `run-finished` never arrives). */
  readonly settled: Promise<{readonly status: RunStatus}>
}

/** How long after its run ended a stream waits for the run's `run-finished` before closing itself. */
export const DEFAULT_SETTLE_GRACE_MS = 2_000

export interface UIMessageStreamOptions extends SseWriterOptions {
  readonly settleGraceMs?: number
  /** Start right after this pause's `step-paused` event (the stream that answers an approval). */
  readonly afterPause?: string
  /** Called when the client closes the connection before the stream ended (`cancel_on_abort`: it cancels the run). */
  readonly onAbandoned?: () => void
}

/**
 * Sends one run as a UI Message Stream: `start` (the message id is the inference id, so a replay,
 * a resume and the answer to an approval all update one assistant message), then the run's events
 * from its start (or from a pause) through the translator, then live ones, in seq order; the join
 * of replay and live happens in one synchronous step, so nothing is missed or sent twice.
 *
 * It ends with `[DONE]` after `abort` (cancelled), after the run's `finish`, or with
 * `finish {finishReason: "tool-calls"}` at a step pause the client is asked to approve (the SDK
 * sends the approval with its next request). A closed connection only stops the stream, unless the
 * caller opted in to `onAbandoned` (`cancel_on_abort`).
 *
 * Returns false, writing nothing, when the run's events from its start are no longer held.
 */
export function sendRunAsUIMessageStream(res: ServerResponse, run: StreamedRun, options: UIMessageStreamOptions = {}): boolean {
  const all = run.runEvents.eventsOf(run.inferenceId)
  if (!all) return false
  let replay: readonly RecordedEvent[] = all
  // Answering an approval: the stream starts after that pause (which a reader that is behind may not have consumed yet).
  let skipping = false
  if (options.afterPause !== undefined) {
    const at = all.findIndex(({event}) => isPause(event, options.afterPause))
    skipping = at < 0
    replay = skipping ? [] : all.slice(at + 1)
  }
  const writer = new SseWriter(res, options)
  const state = new StreamState(run, writer)
  if (options.onAbandoned) writer.onAbandoned(options.onAbandoned)
  writer.open()
  writer.send({type: 'start', messageId: run.inferenceId, messageMetadata: {conv_id: run.convId, inference_id: run.inferenceId}})
  replay.forEach(({event}, i) => {
    if (!writer.isEnded) state.handle(event, () => !replay.slice(i + 1).some(({event: later}) => resumes(later, event)))
  })
  if (writer.isEnded) return true
  const unsubscribe = run.runEvents.subscribe(({event}) => {
    if (event.meta.inference_id !== run.inferenceId) return
    if (skipping) skipping = !isPause(event, options.afterPause)
    else state.handle(event, () => true)
  })
  writer.onClose(unsubscribe)
  // The run's own `run-finished` ends the stream; this only closes one whose end never arrives
  // (events the bus refused), after a grace period for a reader that is behind (Redis).
  void run.settled.then(({status}) => {
    if (writer.isEnded) return
    const timer = setTimeout(() => state.settle(status), options.settleGraceMs ?? DEFAULT_SETTLE_GRACE_MS)
    timer.unref()
    writer.onClose(() => clearTimeout(timer))
  })
  return true
}

const isPause = (event: Event, pauseId: string | undefined): boolean => event.type === 'step-paused' && event.pause_id === pauseId

/** True when `later` answers the pause `event` announced. */
function resumes(later: Event, event: Event): boolean {
  return event.type === 'step-paused' && later.type === 'step-resumed' && later.pause_id === event.pause_id
}

/** What one response has sent: open parts (so it never ends a part it did not start) and the last answer's metadata. */
class StreamState {
  private readonly open = new Set<string>()
  private last: Event['meta'] | undefined
  private readonly context: TranslationContext

  constructor(
    private readonly run: StreamedRun,
    private readonly writer: SseWriter,
  ) {
    this.context = {
      pause: (pauseId) => {
        for (const {event} of run.runEvents.eventsOf(run.inferenceId) ?? []) {
          if (event.type === 'step-paused' && event.pause_id === pauseId) return event
        }
        return undefined
      },
    }
  }

  /** Translates and sends one event; `pending()` says whether a pause it announces is still open. */
  handle(event: Event, pending: () => boolean): void {
    if (this.writer.isEnded) return
    for (const chunk of toUIMessageChunks(event, this.context)) this.send(chunk)
    switch (event.type) {
      case 'final':
        this.last = event.meta
        break
      case 'interrupt':
      case 'run-finished':
        this.writer.done()
        break
      case 'step-paused':
        if (event.phase === 'after_inference' && event.tool_calls.length > 0 && pending()) {
          this.send({type: 'finish', finishReason: 'tool-calls', messageMetadata: this.metadata()})
          this.writer.done()
        }
        break
      default:
        break
    }
  }

  /** The run ended and its `run-finished` never came: close the stream from the outcome. */
  settle(status: RunStatus): void {
    if (this.writer.isEnded) return
    if (status === 'cancelled') this.send({type: 'abort', reason: 'cancelled'})
    else
      this.send({
        type: 'finish',
        finishReason: runFinishReasonOf(status, this.last?.stop_reason),
        messageMetadata: this.metadata(),
      })
    this.writer.done()
  }

  private metadata(): Record<string, unknown> {
    const m = this.last
    return {
      conv_id: this.run.convId,
      inference_id: this.run.inferenceId,
      ...(m?.model !== undefined ? {model: m.model} : {}),
      ...(m?.usage !== undefined ? {usage: m.usage} : {}),
      ...(m?.stop_reason !== undefined ? {stop_reason: m.stop_reason} : {}),
    }
  }

  /** Sends a chunk, dropping deltas and ends of parts this response never started (the SDK rejects them). */
  private send(chunk: UIMessageChunk): void {
    switch (chunk.type) {
      case 'text-start':
      case 'reasoning-start':
        if (this.open.has(chunk.id)) return
        this.open.add(chunk.id)
        break
      case 'text-delta':
      case 'reasoning-delta':
        if (!this.open.has(chunk.id)) return
        break
      case 'text-end':
      case 'reasoning-end':
        if (!this.open.delete(chunk.id)) return
        break
      default:
        break
    }
    this.writer.send(chunk)
  }
}
