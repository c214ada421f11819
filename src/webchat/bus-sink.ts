import {chatTopic, type PublishOptions, type Publisher} from '../bus/index.js'
import {encodeEvent, redactString, type Event, type EventSink} from '../core/index.js'
import {frameCount} from '../sem/translator.js'

export interface BusSinkOptions {
  /**
   * When set, the sink is the conversation's single writer and stamps each message with the seq of
   * its first frame (`PublishOptions.seq`), starting here; readers then number frames alike.
   */
  readonly firstSeq?: number
  /** Told when the transport refuses a message (the server logs it and ends the run: PublishFailureGuard). */
  readonly onError?: (error: unknown, event: Event) => void
}

interface Queued {
  readonly payload: string
  readonly options: PublishOptions
  readonly event: Event
}

/**
 * The one path from a run to the bus: every event of a conversation, as event JSON (secrets
 * redacted), to `chat:{conv_id}`. `publish` is synchronous for the run; messages go out one at a
 * time through a queue so the bus sees them in publish order even though the transport is async.
 * A transport that accepts messages synchronously (`publishNow`, the in-memory bus) gets each
 * message within `publish` while nothing is queued: no promise and no await per event, and the
 * frames of a burst of events reach the sockets in the same tick (see `corkForTick`).
 */
export class BusSink implements EventSink {
  readonly topic: string
  private queue: Queued[] = []
  private head = 0
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
    return this.queue.length - this.head
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
    if (this.publisher.publishNow !== undefined && this.draining === undefined && this.head === this.queue.length) {
      try {
        this.publisher.publishNow(this.topic, payload, options)
      } catch (error) {
        this.options.onError?.(error, event)
      }
      return
    }
    this.queue.push({payload, options, event})
    this.draining ??= this.drain()
  }

  /** Resolves once everything published so far has reached the transport. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining
  }

  /** One message at a time, oldest first: the next publish starts when the previous one resolved. */
  private async drain(): Promise<void> {
    try {
      while (this.head < this.queue.length) {
        const {payload, options, event} = this.queue[this.head]!
        try {
          await this.publisher.publish(this.topic, payload, options)
        } catch (error) {
          this.options.onError?.(error, event)
        }
        this.head++
        if (this.head === this.queue.length) {
          this.queue = []
          this.head = 0
        } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.head)
          this.head = 0
        }
      }
    } finally {
      this.draining = undefined
    }
  }
}
