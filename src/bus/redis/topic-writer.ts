import type {AppendBatch, AppendEntry, AppendResult} from './append-script.js'
import {BusUnavailableError} from './bus-unavailable.js'
import {reconnectDelayMs, withTimeout} from './redis-connection.js'

/** At most this many entries, or about this many payload bytes, per script call (Redis runs a script alone). */
export const MAX_BATCH_ENTRIES = 256
export const MAX_BATCH_BYTES = 1 << 20

export interface TopicWriterOptions {
  readonly topic: string
  readonly key: string
  readonly maxlen: number
  readonly publishTimeoutMs: number
  /** Runs one batch (the append script). */
  readonly append: (batch: AppendBatch) => Promise<AppendResult>
  /** A fresh publish id for each batch (kept across its retries). */
  readonly nextPublishId: () => string
  /** The floor for assigned seqs (the highest `next` this instance saw), and where to report the new one. */
  readonly floor: () => number
  readonly noteNext: (next: number) => void
  /** The writer connection's state: a batch past its window fails at once while it is not ready. */
  readonly connectionStatus: () => string
  readonly closed: () => boolean
  readonly onError?: (error: unknown) => void
}

interface Pending extends AppendEntry {
  /** The publish window ends here (counted from the publish call). */
  readonly deadline: number
  readonly resolve: (id: string) => void
  readonly reject: (error: unknown) => void
}

/**
 * The single writer of one topic on this instance. Publishes made while a batch is on its way
 * wait in a queue and go together in the next script call, so a run streaming tokens costs one
 * round trip per batch, not per token, and the order of the calls is the order in the stream.
 *
 * A batch is retried (same publish id) until the window of its oldest entry ends; then it fails,
 * and so does every publish queued behind it: nothing published after a lost entry can land
 * before it is published again (BusSink retries a run's terminal events in place).
 */
export class TopicWriter {
  private queue: Pending[] = []
  private running = false

  constructor(private readonly options: TopicWriterOptions) {}

  /** Idle: nothing queued and no batch on its way. */
  get idle(): boolean {
    return !this.running && this.queue.length === 0
  }

  publish(payload: string, frames: number, seq: number | undefined): Promise<string> {
    return new Promise((resolve, reject) => {
      this.queue.push({payload, frames, seq, deadline: Date.now() + this.options.publishTimeoutMs, resolve, reject})
      if (this.running) return
      this.running = true
      // After the current task's other publishes (a BusSink sends its whole queue at once), so they share the batch.
      queueMicrotask(() => void this.run())
    })
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.take()
        try {
          const results = await this.appendWithRetry(batch)
          batch.forEach((p, i) => p.resolve(results[i]!.id))
        } catch (error) {
          const behind = this.queue
          this.queue = []
          for (const p of batch) p.reject(error)
          for (const p of behind) p.reject(error)
        }
      }
    } finally {
      this.running = false
    }
  }

  /** The oldest queued publishes, up to the batch limits. */
  private take(): Pending[] {
    let bytes = 0
    let n = 0
    while (n < this.queue.length && n < MAX_BATCH_ENTRIES && (n === 0 || bytes + this.queue[n]!.payload.length <= MAX_BATCH_BYTES)) {
      bytes += this.queue[n]!.payload.length
      n++
    }
    return this.queue.splice(0, n)
  }

  private async appendWithRetry(batch: Pending[]): Promise<AppendResult> {
    const {topic, key, maxlen, publishTimeoutMs} = this.options
    const deadline = batch[0]!.deadline
    const args: AppendBatch = {key, maxlen, floor: this.options.floor(), publishId: this.options.nextPublishId(), entries: batch}
    for (let attempt = 0; ; attempt++) {
      // Its window passed while earlier publishes waited and Redis is still away: fail now.
      if (attempt === 0 && Date.now() >= deadline && this.options.connectionStatus() !== 'ready') {
        throw new BusUnavailableError(
          `redis unavailable: ${topic} publish window (${publishTimeoutMs} ms) passed; connection ${this.options.connectionStatus()}`,
        )
      }
      try {
        const results = await withTimeout(this.options.append(args), Math.max(50, deadline - Date.now()), `publish to ${topic}`)
        const last = results.at(-1)
        if (last?.seq !== undefined) this.options.noteNext(last.seq + batch.at(-1)!.frames)
        return results
      } catch (error) {
        if (this.options.closed()) throw error
        if (Date.now() >= deadline) throw BusUnavailableError.wrap(error, `publish to ${topic}`)
        this.options.onError?.(error)
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(attempt)))
      }
    }
  }
}
