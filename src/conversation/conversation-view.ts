import type {RunTimeline} from '../core/index.js'
import type {EngineConfig} from '../engine/index.js'
import type {RebuildRecord} from './rebuild-record.js'

/** A live conversation as `GET /api/conversations` lists it. */
export interface ConversationSummary {
  readonly conv_id: string
  readonly profile: string
  readonly signature: string
  readonly running: boolean
  readonly inference_id: string | null
  readonly last_seq: number
  readonly sockets: number
  readonly created_at: string
  readonly last_activity: string
  readonly rebuild_count: number
}

/** A live conversation as `GET /api/conversations/{id}` shows it. */
export interface ConversationDetail extends ConversationSummary {
  readonly signature_canonical: string
  readonly config: EngineConfig
  readonly rebuilds: RebuildRecord[]
  readonly timelines: RunTimelineEntry[]
  readonly pending_pause: {pause_id: string; phase: string; tool_calls: unknown[]; deadline: string} | null
  readonly turn: unknown
}

/** How many finished runs a live conversation keeps the timeline of. */
export const MAX_RUN_TIMELINES = 50

/** One finished run: how it ended and where its time went. */
export interface RunTimelineEntry {
  readonly inference_id: string
  readonly status: string
  readonly duration_ms: number
  readonly stop_reason?: string
  readonly usage?: Record<string, unknown>
  readonly timeline?: RunTimeline
}
