import {chatTopic, type BusMessage, type Subscriber, type Subscription} from '../bus/index.js'
import {decodeEvent, describeDecodeError, type Event} from '../core/index.js'
import {FrameLog} from './frame-log.js'
import {buildFrame, type BuiltFrame, type SemFrameBody} from './frames.js'
import {translateEvent} from './translator.js'

export interface StreamCoordinatorOptions {
  readonly convId: string
  /** Called once per frame, in seq order, synchronously while the message is consumed. */
  readonly onFrame?: (frame: BuiltFrame) => void
  /** The replay log; `false` keeps none (fixture replay). Default: a FrameLog of default capacity. */
  readonly frameLog?: FrameLog | false
  /** The seq of the last frame this conversation already has (a log hydrated from the store): numbering continues after it. */
  readonly afterSeq?: number
  /** Told about messages that could not be decoded, duplicates and gaps (the server logs them). */
  readonly onProblem?: (problem: CoordinatorProblem) => void
}

export type CoordinatorProblem =
  | {readonly kind: 'bad-payload'; readonly message: string; readonly streamId?: string}
  | {readonly kind: 'duplicate'; readonly seq: number; readonly lastSeq: number; readonly streamId?: string}
  | {readonly kind: 'gap'; readonly expected: number; readonly got: number; readonly streamId?: string}

/**
 * One conversation's reader: bus message → decoded event → SEM frames with their cursor, in order.
 * Seq is assigned at consume time (from 1, +1 per frame) unless the transport carries the seq the
 * single writer assigned (`BusMessage.seq`, Redis), which then wins so every instance agrees; a
 * message whose seq is not after the last one is a redelivery and is dropped.
 *
 * Works without a server: `new StreamCoordinator({convId, onFrame}).consume(message)`.
 */
export class StreamCoordinator {
  readonly convId: string
  readonly log: FrameLog | undefined
  private last = 0
  private subscription: Subscription | undefined
  private readonly listeners = new Set<(frame: BuiltFrame) => void>()
  private readonly messageListeners = new Set<(message: BusMessage) => void>()
  private readonly eventListeners = new Set<(event: Event, seq: number, streamId?: string) => void>()

  constructor(private readonly options: StreamCoordinatorOptions) {
    this.last = options.afterSeq ?? 0
    this.convId = options.convId
    this.log = options.frameLog === false ? undefined : (options.frameLog ?? new FrameLog())
    if (options.onFrame) this.listeners.add(options.onFrame)
  }

  /** Seq of the last frame handed out (0 before the first). */
  get lastSeq(): number {
    return this.last
  }

  /** Adds a frame listener; returns a function that removes it. */
  onFrame(listener: (frame: BuiltFrame) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Adds a listener for every message the coordinator accepts (redeliveries it drops excluded), in
   * consume order, called before the message's frames go out (the fixture recorder). Returns a
   * function that removes it.
   */
  onMessage(listener: (message: BusMessage) => void): () => void {
    this.messageListeners.add(listener)
    return () => this.messageListeners.delete(listener)
  }

  /**
   * Adds a listener for every decoded event (undecodable and redelivered messages excluded), in seq
   * order, called after the event's frames went out with the last seq they reached: the second
   * transport (AI SDK UI Message Stream) reads the same stream as SEM, and so does the third
   * (sessionstream, whose ordinals derive from the Redis `streamId`). Returns a function that removes it.
   */
  onEvent(listener: (event: Event, seq: number, streamId?: string) => void): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  /** Subscribes to `chat:{conv_id}`; every message is consumed in bus order. */
  async start(subscriber: Subscriber): Promise<void> {
    if (this.subscription) return
    this.subscription = await subscriber.subscribe(chatTopic(this.convId), (message) => this.consume(message))
  }

  async stop(): Promise<void> {
    const sub = this.subscription
    this.subscription = undefined
    await sub?.close()
  }

  /** Translates one bus message and hands its frames out; returns them. Never throws on bad input. */
  consume(message: BusMessage): BuiltFrame[] {
    // In-process messages carry the event they encode (memory bus): no decode, no zod. From outside: decoded and checked.
    const decoded = message.event !== undefined ? ({ok: true, event: message.event} as const) : decodeEvent(message.payload)
    const streamId = message.streamId
    let bodies: SemFrameBody[]
    if (decoded.ok) {
      bodies = translateEvent(decoded.event)
    } else {
      const text = describeDecodeError(decoded.error)
      this.options.onProblem?.({kind: 'bad-payload', message: text, ...(streamId !== undefined ? {streamId} : {})})
      bodies = [
        {
          type: 'log',
          id: `bad-message:${streamId ?? message.seq ?? this.last + 1}`,
          conv_id: this.convId,
          level: 'error',
          message: `undecodable bus message on ${message.topic}: ${text}`,
          fields: {topic: message.topic, ...(streamId !== undefined ? {stream_id: streamId} : {})},
        },
      ]
    }
    let seq = this.last + 1
    if (message.seq !== undefined) {
      if (message.seq <= this.last) {
        this.options.onProblem?.({kind: 'duplicate', seq: message.seq, lastSeq: this.last, ...(streamId !== undefined ? {streamId} : {})})
        return []
      }
      if (message.seq !== seq)
        this.options.onProblem?.({kind: 'gap', expected: seq, got: message.seq, ...(streamId !== undefined ? {streamId} : {})})
      seq = message.seq
    }
    // A conversation hydrated from the store does not number from 1: a recorder must keep the seq
    // so the recording replays to the frames the clients got.
    const heard = message.seq === undefined && (this.options.afterSeq ?? 0) > 0 ? {...message, seq} : message
    for (const listener of this.messageListeners) {
      try {
        listener(heard)
      } catch {
        // A broken recorder must not stop the stream.
      }
    }
    const frames: BuiltFrame[] = []
    for (const body of bodies) {
      const frame = buildFrame(body, streamId !== undefined ? {seq, stream_id: streamId} : {seq})
      seq++
      this.last = frame.seq
      this.log?.append(frame)
      frames.push(frame)
      for (const listener of this.listeners) {
        try {
          listener(frame)
        } catch {
          // One broken listener (a socket pool, a recorder) must not stop the stream for the others.
        }
      }
    }
    if (decoded.ok) {
      for (const listener of this.eventListeners) {
        try {
          listener(decoded.event, this.last, streamId)
        } catch {
          // Same rule for event listeners.
        }
      }
    }
    return frames
  }
}
