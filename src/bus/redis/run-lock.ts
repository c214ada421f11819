import {randomBytes} from 'node:crypto'
import type {Redis} from 'ioredis'
import {z} from 'zod'
import {hashTagged, RUN_LOCK_PREFIX} from './keys.js'

/**
 * Short, so a crashed instance's run is found orphaned and ended within ~5 s (OrphanedRunReaper:
 * expiry ≤ 3 s after the last renewal, then two checks 0.5 s apart); renewed every second.
 */
export const DEFAULT_LOCK_TTL_MS = 3_000
export {RUN_LOCK_PREFIX} from './keys.js'

/** What a lock's value says about its holder (stored as JSON). */
export interface RunLockHolder {
  readonly token: string
  /** Instance id of the holder. */
  readonly owner: string
  readonly inference_id: string | null
}

const HolderSchema = z.object({token: z.string(), owner: z.string(), inference_id: z.string().nullable()})

// Compare-and-delete: only the holder of the exact value may release.
const RELEASE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`
// Renew (1) while we hold it; re-take it (2) when it vanished (Redis restarted without persistence); 0: someone else holds it.
const RENEW_LUA = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0`
// Swap the value (to record the inference id) only while we hold it, keeping the expiry.
const REPLACE_LUA = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') return 1 else return 0 end`

export interface RunLockOptions {
  readonly ttlMs?: number
  /** Renewal period; default a third of the TTL. */
  readonly renewEveryMs?: number
  readonly prefix?: string
}

export type AcquireResult = {readonly ok: true; readonly lease: RunLease} | {readonly ok: false; readonly holder: RunLockHolder | undefined}

/**
 * Run exclusivity per conversation across instances: `SET jiminy:run:{conv_id} <holder> NX PX ttl`,
 * renewed while the run lives, released with a compare-and-delete script, so an instance can only
 * ever release its own lock, and a crashed instance's lock expires after the TTL.
 */
export class RunLock {
  readonly ttlMs: number
  private readonly renewEveryMs: number
  private readonly prefix: string

  constructor(
    private readonly client: Redis,
    readonly owner: string,
    options: RunLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LOCK_TTL_MS
    this.renewEveryMs = options.renewEveryMs ?? Math.max(10, Math.floor(this.ttlMs / 3))
    this.prefix = options.prefix ?? RUN_LOCK_PREFIX
  }

  /** `<prefix>{conv_id}`: hash-tagged, in the conversation's Redis Cluster slot (keys.ts). */
  key(convId: string): string {
    return hashTagged(this.prefix, convId)
  }

  /** Takes the lock if free; otherwise says who holds it. */
  async acquire(convId: string, onLost?: () => void): Promise<AcquireResult> {
    const holder: RunLockHolder = {token: randomBytes(12).toString('base64url'), owner: this.owner, inference_id: null}
    const value = JSON.stringify(holder)
    const set = await this.client.set(this.key(convId), value, 'PX', this.ttlMs, 'NX')
    if (set === 'OK') return {ok: true, lease: new RunLease(this.client, this.key(convId), value, this.ttlMs, this.renewEveryMs, onLost)}
    return {ok: false, holder: await this.holder(convId)}
  }

  /** The current holder, if the lock is held. */
  async holder(convId: string): Promise<RunLockHolder | undefined> {
    const raw = await this.client.get(this.key(convId))
    if (raw === null) return undefined
    try {
      const parsed = HolderSchema.safeParse(JSON.parse(raw))
      return parsed.success ? parsed.data : undefined
    } catch {
      return undefined
    }
  }
}

/** A held lock: renewed on a timer until released (or lost to another holder). */
export class RunLease {
  private timer: NodeJS.Timeout | undefined
  private released = false

  constructor(
    private readonly client: Redis,
    readonly key: string,
    private value: string,
    private readonly ttlMs: number,
    renewEveryMs: number,
    private readonly onLost?: () => void,
  ) {
    this.timer = setInterval(() => void this.renew().catch(() => undefined), renewEveryMs)
    this.timer.unref()
  }

  get holder(): RunLockHolder {
    return JSON.parse(this.value) as RunLockHolder
  }

  get active(): boolean {
    return !this.released
  }

  /**
   * Extends the expiry. Resolves 'renewed', 'retaken' (the key had vanished) or 'lost' (another
   * holder has it: onLost is called and renewal stops). Rejects when Redis is unreachable (the timer
   * tries again).
   */
  async renew(): Promise<'renewed' | 'retaken' | 'lost'> {
    if (this.released) return 'lost'
    const result = (await this.client.eval(RENEW_LUA, 1, this.key, this.value, this.ttlMs)) as number
    if (result === 0) {
      this.stop()
      this.onLost?.()
      return 'lost'
    }
    return result === 1 ? 'renewed' : 'retaken'
  }

  /** Records the run's inference id in the lock value (so other instances can name it in a 409). */
  async describe(inferenceId: string): Promise<boolean> {
    const next = JSON.stringify({...this.holder, inference_id: inferenceId})
    const ok = (await this.client.eval(REPLACE_LUA, 1, this.key, this.value, next)) as number
    if (ok === 1) this.value = next
    return ok === 1
  }

  /** Deletes the lock if this lease still holds it; true when it did. */
  async release(): Promise<boolean> {
    if (this.released) return false
    this.stop()
    return ((await this.client.eval(RELEASE_LUA, 1, this.key, this.value)) as number) === 1
  }

  private stop(): void {
    this.released = true
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}
