import type {Turn} from '../core/index.js'
import type {
  ConversationInput,
  ConversationRecord,
  ConversationSummary,
  RebuildEntry,
  RunEnd,
  StoredRun,
  StoredFrame,
  StoreStats,
} from './types.js'

/**
 * Where conversations outlive the process (DESIGN §4). Two implementations: memory (ephemeral, for
 * `jiminy run` and tests) and SQLite (the default for `jiminy serve`).
 *
 * Everything but `appendFrames` returns a promise so a networked implementation (Redis, issue 12
 * item 6) can satisfy the same contract. `appendFrames` is the hot path: it returns at once and the
 * frames are written in the next group-commit batch; reads (`framesAfter`, `lastSeq`, `get`, `list`)
 * see every frame appended before them.
 */
export interface ConversationStore {
  /** `memory` or the database file path, for the start-up line and errors. */
  readonly location: string
  /** `redis`: the Redis-mode store (`webchat/redis-conversation-store.ts`), where the stream is the log. */
  readonly kind: 'memory' | 'sqlite' | 'redis'

  /** Every conversation, most recent activity first. */
  list(): Promise<ConversationSummary[]>
  get(id: string): Promise<ConversationRecord | undefined>
  /**
   * Creates the conversation or updates its profile, signature and config (after a rebuild).
   * The title is set only while it is empty, so the first prompt names the conversation and a
   * rename is never overwritten.
   */
  upsertConversation(input: ConversationInput): Promise<ConversationRecord>
  /** False when there is no such conversation. */
  rename(id: string, title: string): Promise<boolean>
  /** Removes the conversation and everything stored for it; false when there was none. */
  delete(id: string): Promise<boolean>

  /**
   * Queues frames for the conversation's log (group commit). Seqs must increase; a frame whose seq
   * is already stored is ignored, so re-appending after a retry is harmless. Creates an untitled
   * conversation row when none exists. Never throws for storage faults: those go to `onWarning`.
   */
  appendFrames(convId: string, frames: readonly StoredFrame[]): void
  /** Stored frames with seq > afterSeq in seq order, at most `limit` of them. */
  framesAfter(convId: string, afterSeq: number, limit?: number): Promise<StoredFrame[]>
  /** Seq of the newest frame appended, 0 when none. The next frame is `lastSeq + 1`. */
  lastSeq(convId: string): Promise<number>

  /** The Turn the conversation's next run continues from, saved after each run. */
  saveSnapshot(convId: string, turn: Turn): Promise<void>
  loadSnapshot(convId: string): Promise<Turn | undefined>

  /**
   * A transport's projection of the conversation (the sessionstream timeline), as opaque JSON text
   * the transport wrote: kept so a reload and a restart hydrate it. Redis mode keeps none (every
   * instance rebuilds it from the stream, which is the log).
   */
  saveTimeline(convId: string, json: string): Promise<void>
  loadTimeline(convId: string): Promise<string | undefined>

  recordRebuild(convId: string, record: RebuildEntry): Promise<void>
  /** Rebuild records, oldest first. */
  rebuilds(convId: string): Promise<RebuildEntry[]>

  runStarted(convId: string, inferenceId: string, startedAt?: number): Promise<void>
  runEnded(convId: string, inferenceId: string, end: RunEnd): Promise<void>
  /** Run outcomes, oldest first. */
  runs(convId: string): Promise<StoredRun[]>
  /**
   * Marks every run still `running` as `interrupted` (the process that ran it died), keeping as
   * partial text the `cumulative` of the last stored `llm.delta` frame of that inference. Run at
   * open by the SQLite store; idempotent. Returns the runs it marked.
   */
  markInterruptedRuns(): Promise<(StoredRun & {conv_id: string})[]>

  /** Writes every queued frame now. */
  flush(): Promise<void>
  /** Flushes, then releases the file. Further calls are refused. */
  close(): Promise<void>
  stats(): StoreStats
}
