import type {Redis} from 'ioredis'
import {TurnSchema, type Turn} from '../../core/index.js'
import {BusUnavailableError} from './bus-unavailable.js'
import {reconnectDelayMs, withTimeout} from './redis-connection.js'
import {hashTagged, SNAPSHOT_PREFIX} from './keys.js'

export {SNAPSHOT_PREFIX} from './keys.js'
/** How long a snapshot save keeps trying while Redis is unreachable (the run lock waits for it). */
export const SAVE_WINDOW_MS = 10_000
/** How long a run start waits to read the shared snapshot. */
const LOAD_TIMEOUT_MS = 5_000

export interface RedisSnapshotStoreOptions {
  /** Expire a snapshot this long after its last save; default: never (like the streams, which are only trimmed). */
  readonly ttlMs?: number
  readonly prefix?: string
  /** Told about a stored snapshot that is not a valid Turn (it is then ignored). */
  readonly onError?: (error: unknown, where: string) => void
}

/**
 * Conversation snapshots shared by every instance: `SET jiminy:snapshot:{conv_id} <turn json>`,
 * written by the run's owner when the run ends (before its run lock is released) and read by
 * whichever instance takes the lock next, so a run continues from the latest run anywhere.
 * Structurally a webchat `SnapshotStore` (the bus layer does not import webchat).
 */
export class RedisSnapshotStore {
  readonly kind = 'redis' as const
  private readonly prefix: string

  constructor(
    private readonly client: Redis,
    private readonly options: RedisSnapshotStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? SNAPSHOT_PREFIX
  }

  /** `<prefix>{conv_id}`: hash-tagged, in the conversation's Redis Cluster slot (keys.ts). */
  key(convId: string): string {
    return hashTagged(this.prefix, convId)
  }

  /** The shared snapshot (else `local`); BusUnavailableError when Redis does not answer in time. */
  async load(convId: string, local: Turn | undefined): Promise<Turn | undefined> {
    let raw: string | null
    try {
      raw = await withTimeout(this.client.get(this.key(convId)), LOAD_TIMEOUT_MS, `snapshot of ${convId}`)
    } catch (error) {
      throw BusUnavailableError.wrap(error, `snapshot of ${convId}`)
    }
    if (raw === null) return local
    const parsed = TurnSchema.safeParse(safeJson(raw))
    if (parsed.success) return parsed.data
    this.options.onError?.(
      new Error(`stored snapshot of ${convId} is not a valid turn: ${parsed.error.issues[0]?.message ?? 'bad json'}`),
      'snapshot',
    )
    return local
  }

  /** Stores the snapshot, retrying while Redis is unreachable for at most `SAVE_WINDOW_MS`; rejects past that. */
  async save(convId: string, turn: Turn): Promise<void> {
    const json = JSON.stringify(turn)
    const deadline = Date.now() + SAVE_WINDOW_MS
    for (let attempt = 0; ; attempt++) {
      try {
        const set =
          this.options.ttlMs !== undefined
            ? this.client.set(this.key(convId), json, 'PX', this.options.ttlMs)
            : this.client.set(this.key(convId), json)
        await withTimeout(set, Math.max(50, deadline - Date.now()), `snapshot of ${convId}`)
        return
      } catch (error) {
        if (Date.now() >= deadline) throw error
        this.options.onError?.(error, 'snapshot save')
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(attempt)))
      }
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
