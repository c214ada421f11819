import {z} from 'zod'
import {ENTITY_PAYLOAD_TYPES, toAny, Uint64Schema, type EntityKind, type SessionSnapshotResponse, type SnapshotFrame} from './wire/index.js'

/** One timeline entity: its payload is the protojson of the message its kind names, without `@type`. */
export interface TimelineEntity {
  readonly kind: EntityKind
  readonly id: string
  readonly createdOrdinal: bigint
  lastEventOrdinal: bigint
  tombstone: boolean
  payload: Record<string, unknown>
}

const StoredTimelineSchema = z.object({
  v: z.literal(1),
  ordinal: Uint64Schema,
  entities: z.array(
    z.object({
      kind: z.enum(Object.keys(ENTITY_PAYLOAD_TYPES) as [EntityKind, ...EntityKind[]]),
      id: z.string(),
      createdOrdinal: Uint64Schema,
      lastEventOrdinal: Uint64Schema,
      tombstone: z.boolean(),
      payload: z.record(z.string(), z.unknown()),
    }),
  ),
})

/**
 * A session's timeline (sessionstream's TimelineView + snapshot): entities by `(kind, id)` in the
 * order they were created, and the ordinal of the last event applied. What `snapshot` frames and
 * `GET /api/chat/sessions/{id}` send, and what the store keeps so a reload and a restart hydrate.
 */
export class ChatTimeline {
  private readonly byKey = new Map<string, TimelineEntity>()
  private last = 0n

  get ordinal(): bigint {
    return this.last
  }

  get size(): number {
    return this.byKey.size
  }

  get(kind: EntityKind, id: string): TimelineEntity | undefined {
    return this.byKey.get(`${kind}\u0000${id}`)
  }

  /** Creates or replaces an entity's payload at `ordinal`. */
  upsert(kind: EntityKind, id: string, payload: Record<string, unknown>, ordinal: bigint): void {
    const existing = this.get(kind, id)
    if (existing) {
      existing.payload = payload
      existing.lastEventOrdinal = ordinal
      existing.tombstone = false
    } else {
      this.byKey.set(`${kind}\u0000${id}`, {kind, id, createdOrdinal: ordinal, lastEventOrdinal: ordinal, tombstone: false, payload})
    }
  }

  /** Marks the timeline as having applied every event up to `ordinal`. */
  advance(ordinal: bigint): void {
    if (ordinal > this.last) this.last = ordinal
  }

  entities(): readonly TimelineEntity[] {
    return [...this.byKey.values()]
  }

  /** The `snapshot` frame body: payloads as Any. */
  snapshotFrame(sessionId: string): SnapshotFrame {
    return {
      sessionId,
      snapshotOrdinal: this.last.toString(),
      entities: this.entities().map((e) => ({
        kind: e.kind,
        id: e.id,
        createdOrdinal: e.createdOrdinal.toString(),
        lastEventOrdinal: e.lastEventOrdinal.toString(),
        ...(e.tombstone ? {tombstone: true} : {}),
        payload: toAny(ENTITY_PAYLOAD_TYPES[e.kind], e.payload),
      })),
    }
  }

  /** The body of `GET /api/chat/sessions/{id}` (pinocchio's serverkit.EncodeSnapshotResponse). */
  snapshotBody(sessionId: string, status: string): SessionSnapshotResponse {
    return {
      sessionId,
      snapshotOrdinal: this.last.toString(),
      status,
      entities: this.entities().map((e) => ({
        kind: e.kind,
        id: e.id,
        createdOrdinal: e.createdOrdinal.toString(),
        lastEventOrdinal: e.lastEventOrdinal.toString(),
        tombstone: e.tombstone,
        payload: e.payload,
        // pinocchio sends the created ordinal here, as a number (0 when it does not fit an int64).
        createdAt: e.createdOrdinal <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(e.createdOrdinal) : 0,
      })),
    }
  }

  /** JSON for the store. */
  serialize(): string {
    return JSON.stringify({
      v: 1,
      ordinal: this.last.toString(),
      entities: this.entities().map((e) => ({
        ...e,
        createdOrdinal: e.createdOrdinal.toString(),
        lastEventOrdinal: e.lastEventOrdinal.toString(),
      })),
    })
  }

  /** A timeline from `serialize()`'s JSON; throws on anything else. */
  static parse(json: string): ChatTimeline {
    const stored = StoredTimelineSchema.parse(JSON.parse(json))
    const timeline = new ChatTimeline()
    timeline.last = BigInt(stored.ordinal)
    for (const e of stored.entities) {
      timeline.byKey.set(`${e.kind}\u0000${e.id}`, {
        ...e,
        createdOrdinal: BigInt(e.createdOrdinal),
        lastEventOrdinal: BigInt(e.lastEventOrdinal),
      })
    }
    return timeline
  }
}
