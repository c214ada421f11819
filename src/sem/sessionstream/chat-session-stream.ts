import type {Event} from '../../core/index.js'
import {ChatProjector} from './chat-projector.js'
import {ChatTimeline} from './chat-timeline.js'
import {uiEventFrame} from './frames.js'
import {OrdinalClock, ordinalOfStreamId} from './ordinals.js'

/** What one backend event became: its ordinal and its uiEvent frames (built once, for every socket). */
export interface ProjectedBatch {
  readonly ordinal: bigint
  readonly frames: readonly string[]
}

/**
 * One conversation seen through pinocchio's protocol: core events in stream order → ordinal →
 * Chat* uiEvent frames + timeline entities. Synchronous, so a snapshot taken between two events is
 * exactly "everything up to ordinal N".
 */
export class ChatSessionStream {
  readonly timeline: ChatTimeline
  private readonly projector: ChatProjector
  private readonly clock: OrdinalClock

  constructor(
    readonly sessionId: string,
    hydrated?: ChatTimeline,
  ) {
    this.timeline = hydrated ?? new ChatTimeline()
    this.projector = new ChatProjector(sessionId)
    this.clock = new OrdinalClock(this.timeline.ordinal)
  }

  /** Applies one event; undefined when it has no counterpart in pinocchio's protocol (no ordinal used). */
  apply(event: Event, streamId?: string): ProjectedBatch | undefined {
    // A Redis stream read again from its start (a conversation re-created after an eviction): what
    // this stream already applied is skipped, so nothing is projected twice.
    if (streamId !== undefined && (ordinalOfStreamId(streamId) ?? Infinity) <= this.clock.current) return undefined
    const projection = this.projector.project(event, this.timeline)
    if (projection.uiEvents.length === 0 && projection.entities.length === 0) return undefined
    const ordinal = this.clock.next(streamId)
    for (const entity of projection.entities) this.timeline.upsert(entity.kind, entity.id, entity.payload, ordinal)
    this.timeline.advance(ordinal)
    return {ordinal, frames: projection.uiEvents.map((ui) => uiEventFrame(this.sessionId, ordinal, ui))}
  }

  /**
   * `GET /api/chat/sessions/{id}`'s `status`: the last assistant message's status, else
   * `streaming` while a prompt waits for its answer, else `idle` (pinocchio's snapshotStatus).
   */
  status(): string {
    const entities = this.timeline.entities()
    for (let i = entities.length - 1; i >= 0; i--) {
      const e = entities[i]!
      if (e.kind !== 'ChatMessage') continue
      const {role, status} = e.payload as {role?: string; status?: string}
      if (role === 'assistant' && status) return status
      if (role === 'user') return 'streaming'
    }
    return 'idle'
  }
}
