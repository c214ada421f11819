import type Database from 'better-sqlite3'
import type {StoredFrame, StoreWarningHandler} from '../types.js'
import type {Statements} from './statements.js'

/** Group-commit tuning; the defaults are in one place so docs/store.md can quote them. */
export interface GroupCommitOptions {
  /** How long the first frame of a batch waits for company before the batch commits. */
  readonly flushDelayMs?: number | undefined
  /** A batch this large commits on the next turn of the event loop instead of waiting. */
  readonly batchFrames?: number | undefined
  /** After a failed commit (disk full), how long to wait before retrying. */
  readonly retryDelayMs?: number | undefined
  /** Frames held for retry while storage fails; beyond this the oldest are dropped. */
  readonly maxPendingFrames?: number | undefined
}

export const GROUP_COMMIT_DEFAULTS = {
  flushDelayMs: 10,
  batchFrames: 256,
  retryDelayMs: 1000,
  maxPendingFrames: 50_000,
} as const satisfies Record<keyof GroupCommitOptions, number>

/** Rows per multi-row INSERT (the `insertFrames8` statement). */
const INSERT_CHUNK = 8

interface Pending {
  readonly convId: string
  readonly frame: StoredFrame
}

/**
 * Buffers appended frames and writes them in one transaction per batch, off the caller's stack
 * (a timer or setImmediate), trimming each conversation to `maxFrames` inside the same transaction.
 * A failing commit never throws to the appender: the batch is kept (bounded) and retried, and the
 * failure is reported once until a commit succeeds again.
 */
export class FrameWriter {
  private pending: Pending[] = []
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private failing = false
  private droppedReported = false
  private readonly options: Record<keyof GroupCommitOptions, number>
  readonly counters = {frames_written: 0, bytes_written: 0, batches: 0, frames_trimmed: 0, frames_dropped: 0, write_errors: 0}

  constructor(
    private readonly db: Database.Database,
    private readonly statements: Statements,
    private readonly file: string,
    private readonly maxFrames: number,
    private readonly onWarning: StoreWarningHandler,
    options: GroupCommitOptions = {},
  ) {
    // One by one, so an option passed as `undefined` keeps its default.
    this.options = {
      flushDelayMs: options.flushDelayMs ?? GROUP_COMMIT_DEFAULTS.flushDelayMs,
      batchFrames: options.batchFrames ?? GROUP_COMMIT_DEFAULTS.batchFrames,
      retryDelayMs: options.retryDelayMs ?? GROUP_COMMIT_DEFAULTS.retryDelayMs,
      maxPendingFrames: options.maxPendingFrames ?? GROUP_COMMIT_DEFAULTS.maxPendingFrames,
    }
  }

  get pendingCount(): number {
    return this.pending.length
  }

  /** Pending frames of one conversation after `afterSeq` (visible to reads while a retry waits). */
  pendingFor(convId: string, afterSeq: number): StoredFrame[] {
    return this.pending.filter((p) => p.convId === convId && p.frame.seq > afterSeq).map((p) => p.frame)
  }

  append(convId: string, frames: readonly StoredFrame[]): void {
    for (const frame of frames) this.pending.push({convId, frame})
    if (this.failing) {
      // The retry timer owns the next attempt; until then the held frames stay bounded (at most
      // twice the cap here, trimmed back to the cap, so trimming stays O(1) a frame amortized).
      if (this.pending.length > 2 * this.options.maxPendingFrames) this.enforceCap()
      return
    }
    if (this.pending.length >= this.options.batchFrames) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined
        this.flush()
      })
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined
        this.flush()
      }, this.options.flushDelayMs)
    }
  }

  /** Drops queued frames of a deleted conversation. */
  forget(convId: string): void {
    this.pending = this.pending.filter((p) => p.convId !== convId)
  }

  /** Commits everything pending now, in one transaction. Returns false when the commit failed. */
  flush(): boolean {
    this.cancelTimers()
    if (this.pending.length === 0) return true
    const batch = this.pending
    this.pending = []
    try {
      this.writeBatch(batch)
    } catch (error) {
      this.failed(batch, error)
      return false
    }
    if (this.failing) {
      this.failing = false
      this.droppedReported = false
      this.onWarning({code: 'store_write_recovered', file: this.file, message: `conversation store ${this.file}: writing frames again`})
    }
    return true
  }

  /** Last flush at close: what still cannot be written is lost, and said so. */
  finish(): void {
    const ok = this.flush()
    this.cancelTimers()
    if (ok) return
    const lost = this.pending.length
    this.counters.frames_dropped += lost
    this.pending = []
    this.onWarning({
      code: 'store_frames_dropped',
      file: this.file,
      message: `conversation store ${this.file}: closed with ${lost} frames that could not be written`,
    })
  }

  cancelTimers(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = undefined
    this.immediate = undefined
  }

  private writeBatch(batch: readonly Pending[]): void {
    const s = this.statements
    const byConv = new Map<string, StoredFrame[]>()
    for (const {convId, frame} of batch) {
      const list = byConv.get(convId)
      if (list) list.push(frame)
      else byConv.set(convId, [frame])
    }
    const now = Date.now()
    let written = 0
    let bytes = 0
    let trimmed = 0
    this.db.transaction(() => {
      for (const [convId, frames] of byConv) {
        s.ensure.run(convId, now, now)
        // Seqs must increase: anything at or below the stored last seq is a re-append, skipped here
        // so the counters stay exact (OR IGNORE in the SQL is only the safety net).
        const {key, last_seq} = s.keyAndLastSeq.get(convId) as {key: number; last_seq: number}
        let last = last_seq
        const fresh: StoredFrame[] = []
        for (const f of frames) {
          if (f.seq <= last) continue
          fresh.push(f)
          last = f.seq
          bytes += f.json.length
        }
        if (fresh.length === 0) continue
        let inserted = 0
        let i = 0
        for (; i + INSERT_CHUNK <= fresh.length; i += INSERT_CHUNK) {
          const params: (string | number | null)[] = []
          for (let j = i; j < i + INSERT_CHUNK; j++) {
            const f = fresh[j]!
            params.push(key, f.seq, f.stream_id ?? null, f.type, f.json)
          }
          inserted += s.insertFrames8.run(params).changes
        }
        for (; i < fresh.length; i++) {
          const f = fresh[i]!
          inserted += s.insertFrame.run(key, f.seq, f.stream_id ?? null, f.type, f.json).changes
        }
        const row = s.countFrames.get(inserted, last, now, key) as {frame_count: number} | undefined
        if (row && row.frame_count > this.maxFrames) {
          const removed = s.trimFrames.run({conv: key, excess: row.frame_count - this.maxFrames}).changes
          s.uncountFrames.run(removed, key)
          trimmed += removed
        }
        written += inserted
      }
    })()
    // Counted after the commit: the counters say what is durable, not what was attempted.
    this.counters.frames_written += written
    this.counters.bytes_written += bytes
    this.counters.frames_trimmed += trimmed
    this.counters.batches++
  }

  private enforceCap(): void {
    const excess = this.pending.length - this.options.maxPendingFrames
    if (excess <= 0) return
    // Keep the newest frames: they are the ones a reconnecting client asks for first.
    this.pending = this.pending.slice(excess)
    this.counters.frames_dropped += excess
    if (this.droppedReported) return
    this.droppedReported = true
    this.onWarning({
      code: 'store_frames_dropped',
      file: this.file,
      message: `conversation store ${this.file}: more than ${this.options.maxPendingFrames} frames waiting, dropping the oldest`,
    })
  }

  private failed(batch: Pending[], error: unknown): void {
    this.counters.write_errors++
    this.pending = batch.concat(this.pending)
    if (!this.failing) {
      this.failing = true
      const reason = error instanceof Error ? error.message : String(error)
      this.onWarning({
        code: 'store_write_failed',
        file: this.file,
        message: `conversation store ${this.file}: cannot write frames (${reason}); streaming goes on, frames are held in memory and retried`,
      })
    }
    this.enforceCap()
    this.cancelTimers()
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.flush()
    }, this.options.retryDelayMs)
    // A retry must not keep a finished process alive; close() flushes what is left.
    this.timer.unref()
  }
}
