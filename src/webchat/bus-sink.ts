import {chatTopic, type Publisher} from '../bus/index.js'
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

/**
 * The one path from a run to the bus: every event of a conversation, as event JSON (secrets
 * redacted), to `chat:{conv_id}`. `publish` is synchronous for the run; messages go out in rounds
 * through a queue so the bus sees them in publish order even though the transport is async.
 */
export class BusSink implements EventSink {
  readonly topic: string
  private queue: {payload: string; seq: number | undefined; frames: number; event: Event; same: boolean}[] = []
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
    this.queue.push({payload, seq, frames, event, same: payload === json})
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
        const results = await Promise.allSettled(
          round.map(({payload, seq, frames, event, same}) =>
            this.publisher.publish(this.topic, payload, {...(seq !== undefined ? {seq} : {}), frames, ...(same ? {event} : {})}),
          ),
        )
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
