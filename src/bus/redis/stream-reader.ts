import type {Redis} from 'ioredis'
import {reconnectDelayMs} from './redis-connection.js'
import {compareStreamIds, parseEntry, type RawEntry, type StreamEntry} from './stream-entry.js'

export interface StreamReaderOptions {
  /** A connection of its own (a blocking XREAD holds it); closed with the reader. */
  readonly client: Redis
  readonly key: string
  /** Deliver entries strictly after this id. */
  readonly afterId: string
  readonly onEntry: (entry: StreamEntry) => void
  /** Told about failed reads (the reader backs off and retries from its last id). */
  readonly onError?: (error: unknown) => void
  readonly blockMs?: number
  readonly batch?: number
}

type XReadReply = [key: string, entries: RawEntry[]][] | null

/**
 * One reader of one stream: catches up with what is already there, then loops on
 * `XREAD BLOCK … STREAMS key <last id>`. The last delivered id is the only state; every read starts
 * from it, so a reconnect, a retry or a Redis restart neither repeats nor skips an entry.
 */
export class StreamReader {
  private last: string
  private closed = false
  private loop: Promise<void> | undefined
  /** Resolves on close: a read waiting in ioredis' offline queue (Redis away) never settles by itself. */
  private readonly closing: Promise<null>
  private signalClose: () => void = () => undefined

  constructor(private readonly options: StreamReaderOptions) {
    this.last = options.afterId
    this.closing = new Promise((resolve) => (this.signalClose = () => resolve(null)))
  }

  /** Id of the last entry delivered (or the starting id). */
  get lastId(): string {
    return this.last
  }

  /** Delivers every entry already in the stream after the start id; resolves when none is left. */
  async catchUp(): Promise<void> {
    const batch = this.options.batch ?? 500
    for (;;) {
      const reply = await this.options.client.xread('COUNT', batch, 'STREAMS', this.options.key, this.last)
      const delivered = this.deliver(reply)
      if (delivered < batch) return
    }
  }

  /** Starts the blocking loop (after `catchUp`). */
  start(): void {
    this.loop ??= this.run()
  }

  async close(): Promise<void> {
    this.closed = true
    this.signalClose()
    this.options.client.disconnect()
    await this.loop
  }

  private async run(): Promise<void> {
    const {client, key} = this.options
    const batch = this.options.batch ?? 500
    const blockMs = this.options.blockMs ?? 5000
    let failures = 0
    while (!this.closed) {
      try {
        const read = client.xread('COUNT', batch, 'BLOCK', blockMs, 'STREAMS', key, this.last) as Promise<XReadReply>
        read.catch(() => undefined)
        const reply = await Promise.race([read, this.closing])

        if (this.closed) return
        failures = 0
        this.deliver(reply)
      } catch (error) {
        if (this.closed) return
        this.options.onError?.(error)
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(failures++)))
      }
    }
  }

  /** Hands out entries after the last id, in order; returns how many the reply held. */
  private deliver(reply: XReadReply): number {
    const entries = reply?.[0]?.[1] ?? []
    for (const raw of entries) {
      if (this.closed) break
      if (compareStreamIds(raw[0], this.last) <= 0) continue
      this.last = raw[0]
      const entry = parseEntry(raw)
      if (!entry) continue // not a jiminy entry: skipped, but the cursor moves past it
      try {
        this.options.onEntry(entry)
      } catch {
        // A throwing handler must not stop the stream for itself or lose the cursor.
      }
    }
    return entries.length
  }
}
