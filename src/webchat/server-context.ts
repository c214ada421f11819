import type {ConversationRecording} from '../fixtures/conversation-recording.js'
import type {ConversationManager} from './conversation-manager.js'
import type {Health} from './http/health-route.js'
import type {RequestGuard} from './http/request-guard-policy.js'
import type {IdempotencyCache} from './idempotency-cache.js'
import type {Logger} from './logger.js'
import type {StreamHistory} from './stream-replay.js'

/** The body `POST /chat` answers with (and replays for a repeated `idempotency_key`). */
export interface ChatResponse {
  readonly conv_id: string
  readonly session_id: string
  readonly inference_id: string
  /** = inference_id, for pinocchio clients. */
  readonly run_id: string
  readonly profile: string
  readonly signature: string
  readonly rebuilt: boolean
}

/** What every route and the WebSocket gateway share. */
export interface ServerContext {
  readonly manager: ConversationManager
  readonly logger: Logger
  readonly bodyLimitBytes: number
  /** First answers by idempotency_key (a promise, so a retry racing the first request waits for it). */
  readonly idempotency: IdempotencyCache<Promise<ChatResponse>>
  readonly token: string | undefined
  readonly webRoot: string
  /** Reading the log back by stream id (`/ws?after_stream_id=`); Redis mode only. */
  readonly streamHistory?: StreamHistory
  /** The port actually listened on (known after listen). */
  port(): number
  /** What `POST /api/conversations/{id}/fixture` saves from (and `serve --record` writes to). */
  readonly recording?: ConversationRecording
  /** Host, Origin and token: the one check of every request and WebSocket upgrade. */
  readonly guard: RequestGuard
  /** `GET /healthz`. */
  health(): Health
}
