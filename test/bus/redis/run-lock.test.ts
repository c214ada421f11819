import {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RunInProgressError} from '../../../src/core/index.js'
import {RedisRunOwnership, RunLock} from '../../../src/bus/redis/index.js'
import {eventually, startRedis, type RedisProcess} from './redis-server.js'

let redis: RedisProcess
const clients: Redis[] = []
let n = 0
const conv = () => `lock-${process.pid}-${++n}`
const client = () => {
  const c = new Redis(redis.url)
  clients.push(c)
  return c
}

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  for (const c of clients) c.disconnect()
  await redis?.dispose()
})

describe('RunLock', () => {
  it('is exclusive: a second instance is told who holds it', async () => {
    const a = new RunLock(client(), 'inst-a')
    const b = new RunLock(client(), 'inst-b')
    const id = conv()
    const first = await a.acquire(id)
    expect(first.ok).toBe(true)
    const second = await b.acquire(id)
    expect(second).toMatchObject({ok: false, holder: {owner: 'inst-a', inference_id: null}})
    if (!first.ok) throw new Error('unreachable')
    await first.lease.describe('inf_1')
    expect(await b.holder(id)).toMatchObject({owner: 'inst-a', inference_id: 'inf_1'})
    expect(await first.lease.release()).toBe(true)
    expect((await b.acquire(id)).ok).toBe(true)
  })

  it('is renewed while held, past its TTL', async () => {
    const c = client()
    const lock = new RunLock(c, 'inst-a', {ttlMs: 300, renewEveryMs: 50})
    const id = conv()
    const got = await lock.acquire(id)
    if (!got.ok) throw new Error('not acquired')
    // Three TTLs later the key is still there, still ours, with a fresh expiry.
    await new Promise((r) => setTimeout(r, 900))
    expect((await lock.holder(id))?.owner).toBe('inst-a')
    expect(await c.pttl(lock.key(id))).toBeGreaterThan(0)
    expect(await got.lease.release()).toBe(true)
    expect(await c.exists(lock.key(id))).toBe(0)
  })

  it('expires when its holder stops renewing (a crashed instance)', async () => {
    const c = client()
    const lock = new RunLock(c, 'crashed', {ttlMs: 150, renewEveryMs: 10_000})
    const id = conv()
    const got = await lock.acquire(id)
    if (!got.ok) throw new Error('not acquired')
    const other = new RunLock(client(), 'survivor')
    await eventually(async () => expect((await other.acquire(id)).ok).toBe(true))
    // The old holder can no longer release what is now someone else's.
    expect(await got.lease.release()).toBe(false)
    expect((await other.holder(id))?.owner).toBe('survivor')
  })

  it('is released only by its owner (compare-and-delete)', async () => {
    const c = client()
    const lock = new RunLock(c, 'owner')
    const id = conv()
    const got = await lock.acquire(id)
    if (!got.ok) throw new Error('not acquired')
    // Another holder's value under the same key: the lease must not delete it.
    await c.set(lock.key(id), JSON.stringify({token: 'other', owner: 'someone', inference_id: null}))
    expect(await got.lease.release()).toBe(false)
    expect(await c.exists(lock.key(id))).toBe(1)
  })

  it('notices when another holder took it, stops renewing and says so', async () => {
    const c = client()
    const lock = new RunLock(c, 'owner', {ttlMs: 5000, renewEveryMs: 20})
    const id = conv()
    let lost = 0
    const got = await lock.acquire(id, () => lost++)
    if (!got.ok) throw new Error('not acquired')
    await c.set(lock.key(id), JSON.stringify({token: 'thief', owner: 'thief', inference_id: null}))
    await eventually(() => expect(lost).toBe(1))
    expect(got.lease.active).toBe(false)
  })

  it('takes the lock again when the key vanished (Redis restarted without persistence)', async () => {
    const c = client()
    const lock = new RunLock(c, 'owner', {ttlMs: 5000, renewEveryMs: 60_000})
    const id = conv()
    const got = await lock.acquire(id)
    if (!got.ok) throw new Error('not acquired')
    await c.del(lock.key(id))
    expect(await got.lease.renew()).toBe('retaken')
    expect((await lock.holder(id))?.owner).toBe('owner')
    expect(await got.lease.renew()).toBe('renewed')
    await got.lease.release()
  })
})

describe('RedisRunOwnership', () => {
  it('refuses a second claim with the running inference id, and forwards cancel and step to the holder', async () => {
    const a = await RedisRunOwnership.open(client(), {instanceId: 'A'})
    const b = await RedisRunOwnership.open(client(), {instanceId: 'B'})
    const id = conv()
    const cancelled: string[] = []
    a.serve({
      cancel: (convId) => (convId === id ? (cancelled.push(convId), {inferenceId: 'inf_a'}) : undefined),
      step: (convId, pauseId) =>
        convId !== id
          ? undefined
          : pauseId === 'p1'
            ? {ok: true}
            : {ok: false, reason: 'stale', message: `stale pause ${pauseId}`, currentPauseId: 'p1'},
    })
    b.serve({cancel: () => undefined, step: () => undefined})

    const claim = await a.claim(id)
    let settle!: () => void
    claim.started({inferenceId: 'inf_a', cancel: () => undefined}, new Promise<void>((r) => (settle = r)))
    await eventually(async () => expect((await a.lock.holder(id))?.inference_id).toBe('inf_a'))
    const refused = await b.claim(id).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(RunInProgressError)
    expect((refused as RunInProgressError).inferenceId).toBe('inf_a')

    expect(await b.cancelElsewhere(id)).toEqual({inferenceId: 'inf_a'})
    expect(cancelled).toEqual([id])
    expect(await b.stepElsewhere(id, 'p1', 'continue')).toEqual({ok: true})
    expect(await b.stepElsewhere(id, 'p0', 'deny')).toEqual({ok: false, reason: 'stale', message: 'stale pause p0', currentPauseId: 'p1'})
    // The holder itself does not forward to itself.
    expect(await a.cancelElsewhere(id)).toBeUndefined()

    settle()
    await eventually(async () => expect(await a.lock.holder(id)).toBeUndefined())
    expect(await b.cancelElsewhere(id)).toBeUndefined()
    const next = await b.claim(id)
    await next.release()
    await Promise.all([a.close(), b.close()])
  })

  it('cancels its run when the lock is taken over', async () => {
    const c = client()
    const a = await RedisRunOwnership.open(c, {instanceId: 'A', ttlMs: 5000, renewEveryMs: 20})
    const id = conv()
    const claim = await a.claim(id)
    let cancels = 0
    claim.started({inferenceId: 'inf_x', cancel: () => cancels++}, new Promise(() => undefined))
    await c.set(a.lock.key(id), JSON.stringify({token: 't', owner: 'Z', inference_id: 'inf_z'}))
    await eventually(() => expect(cancels).toBe(1))
    await a.close()
  })
})
