import type {Event} from '../core/index.js'

/**
 * The transport between the run that publishes events and every reader of a conversation.
 * Topics are `chat:{conv_id}`; payloads are event JSON (core event codec). Implementations:
 * in-memory (default, one process) and Redis Streams (several `serve` instances).
 */
export interface BusMessage {
  readonly topic: string
  /** The event JSON exactly as published. */
  readonly payload: string
  /** The transport's entry id when it has one (Redis `1700000000000-0`); strictly increasing per topic. */
  readonly streamId?: string
  /**
   * Seq of the first frame this message translates to, when the transport stores it (assigned by
   * the single writer of the conversation, so every instance numbers frames the same way).
   * Absent: the StreamCoordinator numbers frames itself at consume time.
   */
  readonly seq?: number
  /**
   * The event the payload encodes, as the publisher holds it: only from an in-process publisher on
   * the in-memory bus, and only when the payload is exactly `encodeEvent(event)` (nothing redacted).
   * A reader may use it instead of decoding the payload (the StreamCoordinator does). Every
   * transport that carries data across a process boundary (Redis) drops it, so zod still checks
   * everything that comes from outside.
   */
  readonly event?: Event
}

export interface PublishOptions {
  /** Seq of the first frame this message will produce (see BusMessage.seq). */
  readonly seq?: number
  /** How many frames this message translates to, when the publisher knows (saves the transport decoding the payload again). */
  readonly frames?: number
  /** The event the payload encodes (see BusMessage.event); only the in-memory bus passes it on. */
  readonly event?: Event
}

export interface Publisher {
  /** Appends one message; resolves with the entry id when the transport assigns one. Order per topic is publish order. */
  publish(topic: string, payload: string, options?: PublishOptions): Promise<{streamId?: string}>
  /**
   * The same, done before it returns, for a transport that needs no I/O (the in-memory bus); throws
   * when it refuses the message. Lets a publisher skip one promise and one await per message; a
   * publisher must not mix it with an unsettled `publish` on the same topic (order).
   */
  publishNow?(topic: string, payload: string, options?: PublishOptions): void
}

export interface SubscribeOptions {
  /** Deliver entries strictly after this stream id first (resume), then live ones. */
  readonly afterStreamId?: string
}

export interface Subscription {
  close(): Promise<void>
}

export type MessageHandler = (message: BusMessage) => void

export interface Subscriber {
  /** Calls handler for every message of topic, in order, each once. */
  subscribe(topic: string, handler: MessageHandler, options?: SubscribeOptions): Promise<Subscription>
}

export interface Bus extends Publisher, Subscriber {
  readonly kind: 'memory' | 'redis'
  close(): Promise<void>
}

const CHAT_TOPIC_PREFIX = 'chat:'
export const chatTopic = (convId: string): string => `${CHAT_TOPIC_PREFIX}${convId}`
/** `chat:{conv_id}` → conv_id; undefined for any other topic. */
export const convIdOfTopic = (topic: string): string | undefined =>
  topic.startsWith(CHAT_TOPIC_PREFIX) ? topic.slice(CHAT_TOPIC_PREFIX.length) : undefined
