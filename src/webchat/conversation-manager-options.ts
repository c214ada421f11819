import type {Publisher, RemoteRun, RunOwnership} from '../bus/index.js'
import type {ExecutionHandle, RunOutcome} from '../core/index.js'
import type {EngineBuilder} from '../engine/index.js'
import type {CoordinatorProblem} from '../sem/index.js'
import type {ConversationStore} from '../store/index.js'
import type {BusSinkOptions, ConversationDetail, ConversationHooks, RebuildRecord} from '../conversation/index.js'
import type {DropReason} from './connection-pool.js'
import type {LiveConversation} from './live-conversation.js'
import type {SnapshotStore} from './snapshot-store.js'
import type {StoredConversationDetail} from './stored-conversations.js'
import type {SubscriberFactory} from './subscriber-factory.js'

export interface ConversationManagerOptions {
  builder: EngineBuilder
  readonly publisher: Publisher
  readonly subscriberFactory: SubscriberFactory
  /** Evict a conversation with no socket and no run after this long. */
  readonly idleTimeoutMs: number
  readonly maxBufferedBytes: number
  readonly frameLogCapacity: number
  readonly frameLogMaxBytes: number
  readonly events?: ConversationManagerEvents
  /** Per-conversation BusSink options (a Redis bus makes the sink the single writer: `firstSeq`). */
  readonly sinkOptions?: (convId: string) => Omit<BusSinkOptions, 'onError'>
  /** Who runs which conversation across instances (Redis mode); default: this instance alone. */
  readonly ownership?: RunOwnership
  /** Where snapshots live between runs (Redis mode: shared); default: the conversation store. */
  readonly snapshots?: SnapshotStore
  /** Where conversations outlive the process (frames, snapshots, runs, rebuilds); default: memory. */
  readonly store?: ConversationStore
  /**
   * Live conversations at most (engine, pool, log in memory). Past it the least recently active idle
   * one (no socket, no run) is evicted; when none is idle, TooManyConversationsError. Default 1000.
   */
  readonly maxConversations?: number
  /** Followers of each conversation's wiring besides the server's own (a recorder: `serve --record`, Save as fixture). */
  readonly hooks?: (convId: string) => ConversationHooks
}

export const DEFAULT_MAX_CONVERSATIONS = 1000

/** WebSocket close code sent to the sockets of a deleted conversation (application range). */
export const CLOSE_DELETED = 4404

/** A run `startRun` started. */
export interface StartedRun {
  readonly conversation: LiveConversation
  readonly handle: ExecutionHandle
  /** Set when the request's config changed the conversation's signature. */
  readonly rebuilt?: RebuildRecord
}

/** What `detail` knows of a conversation: this instance's view, or only that another instance runs it. */
export type ConversationView =
  | {readonly kind: 'live'; readonly detail: ConversationDetail & {readonly title: string}; readonly remote?: RemoteRun}
  | {readonly kind: 'remote'; readonly remote: RemoteRun}
  | {readonly kind: 'stored'; readonly stored: StoredConversationDetail}

/** What the manager tells the server (logs, recorders, watchers). All optional. */
export interface ConversationManagerEvents {
  created?(conversation: LiveConversation): void
  rebuilt?(conversation: LiveConversation, record: RebuildRecord): void
  evicted?(convId: string): void
  dropped?(convId: string, reason: DropReason): void
  problem?(convId: string, problem: CoordinatorProblem): void
  busError?(convId: string, error: unknown): void
  runStarted?(conversation: LiveConversation, handle: ExecutionHandle): void
  runEnded?(conversation: LiveConversation, outcome: RunOutcome): void
  /** A snapshot could not be saved, or the run lock could not be read; the request goes on. */
  storeError?(convId: string, error: unknown, what: string): void
}
