import {randomBytes} from 'node:crypto'
import type {Redis} from 'ioredis'
import type {Bus, BusMessage, MessageHandler, PublishOptions, SubscribeOptions, Subscriber, Subscription} from '../types.js'
import {appendCommand, type AppendBatch, type AppendResult} from './append-script.js'
import {streamKeyOf} from './keys.js'
import {connectRedis, duplicateConnection, NO_LATE_COMMANDS, whenReady} from './redis-connection.js'
import {compareStreamIds, parseEntry, STREAM_ID, toBusMessage, type RawEntry, type StreamEntry} from './stream-entry.js'
import {StreamReader} from './stream-reader.js'
import {TopicWriter} from './topic-writer.js'

export const DEFAULT_STREAM_MAXLEN = 10_000
export const DEFAULT_PUBLISH_TIMEOUT_MS = 30_000
/** Topic writers kept past this are dropped when idle (one per conversation that published). */
const MAX_IDLE_WRITERS = 1024

export interface RedisBusOptions {
  /** `XADD … MAXLEN ~ maxlen`: roughly how many entries each conversation's stream keeps. */
  readonly maxlen?: number
  /**
   * How many frames a payload translates to (the SEM translator's `frameCount`), so each entry can
   * store where the next one's seq starts. Default: 1.
   */
  readonly framesOf?: (payload: string) => number
  /**
   * How long after it was called a publish may take to reach Redis (retrying while Redis is
   * unreachable) before it rejects. Counted from the call, so publishes queued behind a stuck one
   * fail together rather than one window after another.
   */
  readonly publishTimeoutMs?: number
  /** XREAD BLOCK timeout of each reader loop. */
  readonly blockMs?: number
  /** Told about connection and read errors; the bus keeps retrying. */
  readonly onError?: (error: unknown, where: string) => void
}

/**
 * Bus over Redis Streams. `publish` appends `payload`, `seq`, `next` to the topic's stream (topic
 * `chat:<conv_id>` → key `chat:{<conv_id>}`, hash-tagged for Redis Cluster: keys.ts) with
 * `XADD … MAXLEN ~ N *`; the entry id is the message's `streamId`. Publishes to one topic go
 * through its TopicWriter: what is published while a batch is on its way goes in the next one (one
 * append-script call, one round trip), in call order.
 * Every `subscribe` runs its own reader (catch-up, then blocking XREAD on a connection of its own),
 * so every instance sees every entry, in stream order, once.
 */
export class RedisBus implements Bus {
  readonly kind = 'redis' as const
  private readonly append: (batch: AppendBatch) => Promise<AppendResult>
  private readonly readers = new Set<StreamReader>()
  /** Per topic: the highest `next` seen, the floor for the next assigned seq. */
  private readonly highWater = new Map<string, number>()
  /** Per topic: its single writer, which batches what is published while a batch is on its way. */
  private readonly writers = new Map<string, TopicWriter>()
  private readonly nonce = randomBytes(6).toString('base64url')
  private counter = 0
  private closed = false

  /** Connects (failing fast with RedisUnavailableError) and returns a bus that owns the connection. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    const client = await connectRedis(url, {onError: (error) => options.onError?.(error, 'connection'), redis: {maxRetriesPerRequest: 2}})
    const bus = new RedisBus(client, options)
    await whenReady(bus.writer, 5000)
    return bus
  }

  /**
   * Publishes go through a connection of their own that never queues or resends a command
   * (NO_LATE_COMMANDS): a publish given up on (its window passed) cannot land when Redis returns
   * and then be published a second time by whoever retries it.
   */
  readonly writer: Redis

  /** `client` is owned by the bus from now on (closed with it). */
  constructor(
    readonly client: Redis,
    private readonly options: RedisBusOptions = {},
  ) {
    this.writer = duplicateConnection(client, (error) => options.onError?.(error, 'writer connection'), NO_LATE_COMMANDS)
    this.append = appendCommand(this.writer)
  }

  get publishTimeoutMs(): number {
    return this.options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS
  }

  get maxlen(): number {
    return this.options.maxlen ?? DEFAULT_STREAM_MAXLEN
  }

  async publish(topic: string, payload: string, options: PublishOptions = {}): Promise<{streamId?: string}> {
    if (this.closed) throw new Error('bus is closed')
    // The publisher's count when it gives one (BusSink does), else decode the payload to count.
    const frames = Math.max(1, options.frames ?? this.options.framesOf?.(payload) ?? 1)
    return {streamId: await this.writerOf(topic).publish(payload, frames, options.seq)}
  }

  /** The topic's writer (created on first use, dropped when idle at close). */
  private writerOf(topic: string): TopicWriter {
    let writer = this.writers.get(topic)
    if (writer) return writer
    writer = new TopicWriter({
      topic,
      key: streamKeyOf(topic),
      maxlen: this.maxlen,
      publishTimeoutMs: this.publishTimeoutMs,
      append: this.append,
      nextPublishId: () => `${this.nonce}:${++this.counter}`,
      floor: () => this.highWater.get(topic) ?? 1,
      noteNext: (next) => this.noteNext(topic, {next}),
      connectionStatus: () => this.writer.status,
      closed: () => this.closed,
      onError: (error) => this.options.onError?.(error, `publish ${topic}`),
    })
    this.writers.set(topic, writer)
    // Bounded: a topic's writer is dropped once idle when there are many.
    if (this.writers.size > MAX_IDLE_WRITERS) for (const [t, w] of this.writers) if (w.idle && t !== topic) this.writers.delete(t)
    return writer
  }

  async subscribe(topic: string, handler: MessageHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed')
    const after = options.afterStreamId
    if (after !== undefined && after !== '0' && !STREAM_ID.test(after))
      throw new Error(`afterStreamId must be a stream id like 1700000000000-0, got ${JSON.stringify(after)}`)
    const afterId = after ?? (await this.lastEntry(topic))?.id ?? '0-0'
    const onError = (error: unknown): void => this.options.onError?.(error, `reader ${topic}`)
    const reader = new StreamReader({
      client: duplicateConnection(this.client, onError, {maxRetriesPerRequest: null}),
      key: streamKeyOf(topic),
      afterId,
      blockMs: this.options.blockMs ?? 5000,
      onError,
      onEntry: (entry) => {
        this.noteNext(topic, entry)
        handler(toBusMessage(topic, entry))
      },
    })
    this.readers.add(reader)
    try {
      await reader.catchUp()
    } catch (error) {
      this.readers.delete(reader)
      await reader.close()
      throw error
    }
    reader.start()
    return {
      close: async () => {
        this.readers.delete(reader)
        await reader.close()
      },
    }
  }

  /** A Subscriber whose subscriptions start at the beginning of the retained stream (unless told otherwise). */
  fromStart(): Subscriber {
    return {subscribe: (topic, handler, options = {}) => this.subscribe(topic, handler, {afterStreamId: options.afterStreamId ?? '0-0'})}
  }

  /** The newest entry of a topic, if any. */
  async lastEntry(topic: string): Promise<StreamEntry | undefined> {
    const raw = (await this.client.xrevrange(streamKeyOf(topic), '+', '-', 'COUNT', 1)) as RawEntry[]
    return raw[0] ? parseEntry(raw[0]) : undefined
  }

  /** Seq of the last frame written to the topic (0 when empty or unnumbered). */
  async lastSeq(topic: string): Promise<number> {
    const next = (await this.lastEntry(topic))?.next
    return next !== undefined ? next - 1 : 0
  }

  /**
   * Every entry of topic strictly after `afterStreamId` that the stream still holds, in order (a
   * resume by stream id), with the seq the frames after that entry start at (`afterNext`, when the
   * entry is still in the stream) and whether entries after it may have been trimmed away.
   */
  async readAfter(
    topic: string,
    afterStreamId: string,
  ): Promise<{messages: BusMessage[]; afterNext: number | undefined; truncated: boolean}> {
    if (afterStreamId !== '0' && !STREAM_ID.test(afterStreamId))
      throw new Error(`afterStreamId must be a stream id like 1700000000000-0, got ${JSON.stringify(afterStreamId)}`)
    const start = afterStreamId === '0' ? '0-0' : afterStreamId
    const anchor = start === '0-0' ? undefined : ((await this.client.xrange(streamKeyOf(topic), start, start)) as RawEntry[])[0]
    const afterNext = anchor ? parseEntry(anchor)?.next : start === '0-0' ? 1 : undefined
    const messages: BusMessage[] = []
    let last = start
    for (;;) {
      const reply = await this.client.xread('COUNT', 500, 'STREAMS', streamKeyOf(topic), last)
      const page = reply?.[0]?.[1] ?? []
      for (const raw of page) {
        last = raw[0]
        const entry = parseEntry(raw)
        if (entry) messages.push(toBusMessage(topic, entry))
      }
      if (page.length < 500) break
    }
    const first = messages[0]
    // Trimming removes the oldest entries. With the anchor (or 0-0) at hand, a gap in seq says it;
    // without it, entries may be missing only when the anchor id is older than every entry left.
    let truncated = false
    if (first && afterNext !== undefined) truncated = first.seq !== undefined && first.seq > afterNext
    else if (first) {
      const oldest = ((await this.client.xrange(streamKeyOf(topic), '-', '+', 'COUNT', 1)) as RawEntry[])[0]
      truncated = oldest !== undefined && oldest[0] === first.streamId && compareStreamIds(start, oldest[0]) < 0
    }
    return {messages, afterNext, truncated}
  }

  /**
   * The stream id to resume after so that every frame with seq > afterSeq is delivered: the newest
   * entry whose frames all have seq ≤ afterSeq (scanning back from the end), or `0-0`.
   */
  async streamIdAfterSeq(topic: string, afterSeq: number): Promise<string> {
    let end = '+'
    for (;;) {
      const page = (await this.client.xrevrange(streamKeyOf(topic), end, '-', 'COUNT', 200)) as RawEntry[]
      for (const raw of page) {
        const entry = parseEntry(raw)
        if (entry?.next !== undefined && entry.next <= afterSeq + 1) return entry.id
      }
      if (page.length < 200) return '0-0'
      end = `(${page.at(-1)![0]}`
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([...this.readers].map((r) => r.close()))
    this.readers.clear()
    await this.settled()
    this.writer.disconnect()
    this.client.disconnect()
  }

  /** Resolves once no writer has anything queued or on its way (bounded by the publish window). */
  private async settled(): Promise<void> {
    const until = Date.now() + this.publishTimeoutMs
    while ([...this.writers.values()].some((w) => !w.idle) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5))
  }

  private noteNext(topic: string, entry: {next?: number}): void {
    if (entry.next !== undefined && entry.next > (this.highWater.get(topic) ?? 1)) this.highWater.set(topic, entry.next)
  }
}
