import type {Redis} from 'ioredis'
import {canonicalJson, TurnSchema, type Turn} from '../core/index.js'
import {hashTagged, snapshotKey} from '../bus/redis/keys.js'
import {
  RebuildEntrySchema,
  StoredRunSchema,
  type ConversationInput,
  type ConversationRecord,
  type ConversationStore,
  type ConversationSummary,
  type RebuildEntry,
  type RunEnd,
  type StoredFrame,
  type StoredRun,
  type StoreStats,
} from '../store/index.js'

/**
 * The conversation store of Redis mode (issue 12 item 6): what every instance lists and shows,
 * shared through the same Redis the bus uses, so no SQLite file is needed there.
 *
 * It lives in `webchat/` because it joins two layers: it implements `store/`'s ConversationStore
 * on `bus/`'s Redis connection and key layout (`store/` may import only `core/`).
 *
 * - **The stream is the log** (DESIGN §4): frames are not copied. `framesAfter` is empty and
 *   `lastSeq` 0, so a conversation's coordinator reads its Redis stream from the start (what
 *   Redis mode always did); `appendFrames` only notes the newest seq for the listing.
 * - Metadata: `jiminy:conv:{id}` (hash: title, profile, signature, config_json, created_at,
 *   updated_at, last_seq), `jiminy:conversations` (sorted set by last activity, for `list()`),
 *   `jiminy:runs:{id}` (hash inference_id → run JSON), `jiminy:rebuilds:{id}` (list).
 * - The snapshot is the key RedisSnapshotStore uses (`jiminy:snapshot:{id}`): one shared turn.
 * - `markInterruptedRuns` does nothing: a `running` run may belong to a live instance; the run
 *   lock (RunOwnership) knows, and an orphaned run is handled there.
 */
export class RedisConversationStore implements ConversationStore {
  readonly kind = 'redis' as const
  readonly location: string
  /** Newest seq seen per conversation, not yet known to be in Redis. */
  private readonly seen = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(
    private readonly client: Redis,
    location: string,
  ) {
    this.location = location
  }

  async list(): Promise<ConversationSummary[]> {
    await this.flush()
    const ids = await this.client.zrevrange(INDEX_KEY, 0, -1)
    const rows = await Promise.all(ids.map((id) => this.get(id)))
    return rows
      .filter((r): r is ConversationRecord => r !== undefined)
      .map(({id, title, profile, updated_at, frame_count, last_seq}) => ({id, title, profile, updated_at, frame_count, last_seq}))
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    const h = await this.client.hgetall(convKey(id))
    if (!h.id) return undefined
    return {
      id: h.id,
      title: h.title ?? '',
      profile: h.profile ?? '',
      signature: h.signature ?? '',
      config: safeJson(h.config_json ?? 'null'),
      created_at: Number(h.created_at ?? 0),
      updated_at: Number(h.updated_at ?? 0),
      frame_count: Number(h.last_seq ?? 0),
      last_seq: Math.max(Number(h.last_seq ?? 0), this.seen.get(id) ?? 0),
    }
  }

  async upsertConversation(input: ConversationInput): Promise<ConversationRecord> {
    const now = input.now ?? Date.now()
    const key = convKey(input.id)
    // One conversation's keys share a hash slot; the index does not, so it is a separate command (Redis Cluster).
    await this.client
      .multi()
      .hsetnx(key, 'created_at', String(now))
      .hsetnx(key, 'title', '')
      .hset(key, {
        id: input.id,
        profile: input.profile,
        signature: input.signature,
        config_json: canonicalJson(input.config),
        updated_at: String(now),
      })
      .exec()
    await this.client.zadd(INDEX_KEY, now, input.id)
    // The title is set only while it is empty: the first prompt names it, a rename is kept.
    if (input.title) await this.client.eval(SET_TITLE_IF_EMPTY, 1, key, input.title)
    return (await this.get(input.id))!
  }

  async rename(id: string, title: string): Promise<boolean> {
    if (!(await this.client.exists(convKey(id)))) return false
    await this.client.hset(convKey(id), 'title', title)
    return true
  }

  async delete(id: string): Promise<boolean> {
    this.seen.delete(id)
    const removed = await this.client.del(convKey(id), runsKey(id), rebuildsKey(id), snapshotKey(id))
    await this.client.zrem(INDEX_KEY, id)
    return removed > 0
  }

  appendFrames(convId: string, frames: readonly StoredFrame[]): void {
    const last = frames.at(-1)
    if (!last || last.seq <= (this.seen.get(convId) ?? 0)) return
    this.seen.set(convId, last.seq)
    // The listing's last_seq is written a moment later, once per burst of frames (never per frame).
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.flush().catch(() => undefined)
    }, SEQ_FLUSH_MS).unref()
  }

  framesAfter(): Promise<StoredFrame[]> {
    return Promise.resolve([])
  }

  lastSeq(): Promise<number> {
    return Promise.resolve(0)
  }

  async saveSnapshot(convId: string, turn: Turn): Promise<void> {
    await this.client.set(snapshotKey(convId), JSON.stringify(turn))
    await this.touch(convId)
  }

  async loadSnapshot(convId: string): Promise<Turn | undefined> {
    const raw = await this.client.get(snapshotKey(convId))
    if (raw === null) return undefined
    const parsed = TurnSchema.safeParse(safeJson(raw))
    return parsed.success ? parsed.data : undefined
  }

  /** Nothing to keep: every instance rebuilds the timeline from the stream (the log), from its start. */
  async saveTimeline(): Promise<void> {}

  async loadTimeline(): Promise<string | undefined> {
    return undefined
  }

  async recordRebuild(convId: string, record: RebuildEntry): Promise<void> {
    await this.client.rpush(rebuildsKey(convId), JSON.stringify(record))
  }

  async rebuilds(convId: string): Promise<RebuildEntry[]> {
    return (await this.client.lrange(rebuildsKey(convId), 0, -1)).flatMap((raw) => {
      const parsed = RebuildEntrySchema.safeParse(safeJson(raw))
      return parsed.success ? [parsed.data] : []
    })
  }

  async runStarted(convId: string, inferenceId: string, startedAt = Date.now()): Promise<void> {
    const run: StoredRun = {inference_id: inferenceId, status: 'running', started_at: startedAt}
    await this.client.hset(runsKey(convId), inferenceId, JSON.stringify(run))
    await this.touch(convId)
  }

  async runEnded(convId: string, inferenceId: string, end: RunEnd): Promise<void> {
    const previous = await this.client.hget(runsKey(convId), inferenceId)
    const started = previous ? StoredRunSchema.safeParse(safeJson(previous)) : undefined
    const run: StoredRun = {
      inference_id: inferenceId,
      started_at: started?.success ? started.data.started_at : Date.now(),
      status: end.status,
      ended_at: end.ended_at ?? Date.now(),
      ...(end.error !== undefined ? {error: end.error} : {}),
      ...(end.partial_text !== undefined ? {partial_text: end.partial_text} : {}),
    }
    await this.client.hset(runsKey(convId), inferenceId, JSON.stringify(run))
    await this.touch(convId)
  }

  async runs(convId: string): Promise<StoredRun[]> {
    const all = Object.values(await this.client.hgetall(runsKey(convId))).flatMap((raw) => {
      const parsed = StoredRunSchema.safeParse(safeJson(raw))
      return parsed.success ? [parsed.data] : []
    })
    return all.sort((a, b) => a.started_at - b.started_at)
  }

  markInterruptedRuns(): Promise<(StoredRun & {conv_id: string})[]> {
    return Promise.resolve([])
  }

  /** Writes the newest seqs seen (the listing's `last_seq`) to Redis, never lowering one. */
  async flush(): Promise<void> {
    if (this.closed) return
    await Promise.all([...this.seen.keys()].map((id) => this.writeSeq(id)))
  }

  /** Flushes what it can (the bus owns the connection and may have closed it already). */
  async close(): Promise<void> {
    clearTimeout(this.timer)
    await this.flush().catch(() => undefined)
    this.closed = true
  }

  stats(): StoreStats {
    return {frames_written: 0, bytes_written: 0, batches: 0, frames_trimmed: 0, frames_dropped: 0, frames_pending: 0, write_errors: 0}
  }

  /** Last activity (a run started or ended, a snapshot), with the newest seq seen. */
  private async touch(convId: string): Promise<void> {
    if (!(await this.client.exists(convKey(convId)))) return
    const now = Date.now()
    await this.client.hset(convKey(convId), 'updated_at', String(now))
    await this.client.zadd(INDEX_KEY, now, convId)
    await this.writeSeq(convId)
  }

  private async writeSeq(convId: string): Promise<void> {
    const seq = this.seen.get(convId)
    if (seq !== undefined) await this.client.eval(SET_SEQ_IF_HIGHER, 1, convKey(convId), String(seq))
  }
}

const INDEX_KEY = 'jiminy:conversations'
const SEQ_FLUSH_MS = 100
const convKey = (id: string) => hashTagged('jiminy:conv:', id)
const runsKey = (id: string) => hashTagged('jiminy:runs:', id)
const rebuildsKey = (id: string) => hashTagged('jiminy:rebuilds:', id)

const SET_TITLE_IF_EMPTY = `if (redis.call('HGET', KEYS[1], 'title') or '') == '' then redis.call('HSET', KEYS[1], 'title', ARGV[1]) end return 1`
const SET_SEQ_IF_HIGHER = `if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('HGET', KEYS[1], 'last_seq') or '0') < tonumber(ARGV[1]) then redis.call('HSET', KEYS[1], 'last_seq', ARGV[1]) end return 1`

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return undefined
  }
}
