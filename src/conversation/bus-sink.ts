import {chatTopic, type PublishOptions, type Publisher} from '../bus/index.js'
import {encodeEvent, redactString, type Event, type EventSink} from '../core/index.js'
import {frameCount} from '../sem/translator.js'

export interface BusSinkOptions {
  /**
   * When set, the sink is the conversation's single writer and stamps each message with the seq of
   * its first frame (`PublishOptions.seq`), starting here; readers then number frames alike.
   */
  readonly firstSeq?: number
  /**
   * Told when the transport refuses a message (the server logs it and ends the run:
   * PublishFailureGuard). Answering `'retry'` publishes the same message again, still ahead of every
   * later one (a run's terminal events must reach the bus, in order, once it is back).
   */
  readonly onError?: (error: unknown, event: Event) => 'retry' | undefined
}

interface Queued {
  readonly payload: string
  readonly options: PublishOptions
  readonly event: Event
}

/**
 * The one path from a run to the bus: every event of a conversation, as event JSON (secrets
 * redacted), to `chat:{conv_id}`. `publish` is synchronous for the run; messages go out in rounds
 * through a queue so the bus sees them in publish order even though the transport is async.
 * A transport that accepts messages synchronously (`publishNow`, the in-memory bus) gets each
 * message within `publish` while nothing is queued: no promise and no await per event, and the
 * frames of a burst of events reach the sockets in the same tick (see `corkForTick`).
 */
export class BusSink implements EventSink {
  readonly topic: string
  private queue: Queued[] = []
  /** Messages of the round on its way to the transport. */
  private sending = 0
  private draining: Promise<void> | undefined
  private seq: number | undefined

  constructor(
    private readonly publisher: Publisher,
    readonly convId: string,
    private readonly options: BusSinkOptions = {},
  ) {
    this.topic = chatTopic(convId)
    this.seq = options.firstSeq
  }

  /** Seq the next message will carry (single-writer mode only). */
  get nextSeq(): number | undefined {
    return this.seq
  }

  /** Messages handed to the sink and not yet accepted by the transport. */
  get pending(): number {
    return this.queue.length + this.sending
  }

  publish(event: Event): void {
    const json = encodeEvent(event)
    const payload = redactString(json)
    const seq = this.seq
    const frames = frameCount(event)
    if (seq !== undefined) this.seq = seq + frames
    // The event rides along only when redaction changed nothing: then it is exactly what the payload decodes to.
    const same = payload === json
    const options: PublishOptions = seq !== undefined ? (same ? {seq, frames, event} : {seq, frames}) : same ? {frames, event} : {frames}
    // Only with nothing queued: a message sent now must not pass one still waiting for the async path.
    if (this.publisher.publishNow !== undefined && this.draining === undefined && this.queue.length === 0) {
      try {
        this.publisher.publishNow(this.topic, payload, options)
        return
      } catch (error) {
        // A refused message asked to be retried takes the async path, ahead of everything later.
        if (this.options.onError?.(error, event) !== 'retry') return
      }
    }
    this.queue.push({payload, options, event})
    this.draining ??= this.drain()
  }

  /** Resolves once everything published so far has reached the transport. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining
  }

  /**
   * Sends everything queued at once, oldest first, and waits for all of it before the next round:
   * the transport keeps call order per topic (Redis batches what arrives together into one round
   * trip) and fails whatever was queued behind a refused message, so the messages `onError` asks
   * to retry go first in the next round, still ahead of every later one.
   */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const round = this.queue
        this.queue = []
        this.sending = round.length
        const results = await Promise.allSettled(round.map(({payload, options}) => this.publisher.publish(this.topic, payload, options)))
        this.sending = 0
        const retry = round.filter((message, i) => {
          const result = results[i]!
          return result.status === 'rejected' && this.options.onError?.(result.reason, message.event) === 'retry'
        })
        if (retry.length > 0) this.queue = [...retry, ...this.queue]
      }
    } finally {
      this.draining = undefined
    }
  }
}
