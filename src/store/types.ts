import {z} from 'zod'

/**
 * One frame of a conversation's log as the store keeps it. `json` is the frame text the SEM
 * frame builder already produced (cursor included); the store writes and returns it byte for byte
 * and never parses or re-encodes it on the hot path.
 */
export interface StoredFrame {
  readonly seq: number
  readonly stream_id?: string
  readonly type: string
  readonly json: string
}

export const STORED_RUN_STATUSES = ['running', 'completed', 'cancelled', 'failed', 'denied', 'interrupted'] as const
export type StoredRunStatus = (typeof STORED_RUN_STATUSES)[number]
/** The statuses a run can end with through `runEnded` (`interrupted` is only set by recovery). */
export type RunEndStatus = Exclude<StoredRunStatus, 'running' | 'interrupted'>

/** All times in the store are Unix milliseconds, like `server_time` in frames. */
export const StoredRunSchema = z.object({
  inference_id: z.string().min(1),
  status: z.enum(STORED_RUN_STATUSES),
  started_at: z.number(),
  ended_at: z.number().optional(),
  error: z.string().optional(),
  partial_text: z.string().optional(),
})
export type StoredRun = z.infer<typeof StoredRunSchema>

export interface RunEnd {
  readonly status: RunEndStatus
  readonly ended_at?: number | undefined
  readonly error?: string | undefined
  readonly partial_text?: string | undefined
}

/** A rebuild record (DESIGN §3) is opaque to the store: any JSON object, kept in order. */
export const RebuildEntrySchema = z.record(z.string(), z.unknown())
export type RebuildEntry = z.infer<typeof RebuildEntrySchema>

/** What `upsertConversation` writes. */
export interface ConversationInput {
  readonly id: string
  readonly profile: string
  /** Short signature hash of the engine config. */
  readonly signature: string
  /** The engine config (secrets already removed); stored as canonical JSON. */
  readonly config: unknown
  /** Only used while the stored title is empty: the first prompt names the conversation. */
  readonly title?: string | undefined
  readonly now?: number | undefined
}

/** A conversation's metadata, without its frames, snapshot, rebuilds or runs. */
export interface ConversationRecord {
  readonly id: string
  readonly title: string
  readonly profile: string
  readonly signature: string
  readonly config: unknown
  readonly created_at: number
  /** Last activity: any metadata write or frame batch. */
  readonly updated_at: number
  readonly frame_count: number
  /** Seq of the newest stored frame, 0 when none. */
  readonly last_seq: number
}

/** One row of `list()`. */
export interface ConversationSummary {
  readonly id: string
  readonly title: string
  readonly profile: string
  readonly updated_at: number
  readonly frame_count: number
  readonly last_seq: number
}

/** Counters for tests and benches; cumulative since open. */
export interface StoreStats {
  /** Frames that reached storage (for SQLite: committed). */
  readonly frames_written: number
  /** Bytes of frame json that reached storage (UTF-16 length, as FrameLog counts). */
  readonly bytes_written: number
  /** Write transactions that carried frames (one per group-commit batch). */
  readonly batches: number
  /** Frames removed by the per-conversation `maxFrames` bound. */
  readonly frames_trimmed: number
  /** Frames given up because storage kept failing and the retry buffer was full. */
  readonly frames_dropped: number
  /** Frames appended but not yet written. */
  readonly frames_pending: number
  /** Failed write attempts (disk full, I/O). */
  readonly write_errors: number
}

/** Something the store wants a person to know (fallback to memory, disk full); logged by the caller. */
export interface StoreWarning {
  readonly code: 'store_fallback_memory' | 'store_write_failed' | 'store_write_recovered' | 'store_frames_dropped'
  readonly message: string
  readonly file?: string
}
export type StoreWarningHandler = (warning: StoreWarning) => void

export interface StoreOptions {
  /** Frames kept per conversation; older ones are trimmed. Default 10,000 (as FrameLog). */
  readonly maxFrames?: number | undefined
  readonly onWarning?: StoreWarningHandler | undefined
}

export const DEFAULT_MAX_FRAMES = 10_000
