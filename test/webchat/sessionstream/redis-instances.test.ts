import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {SessionSnapshotResponseSchema} from '../../../src/sem/sessionstream/wire/index.js'
import type {RunningServer} from '../../../src/webchat/server.js'
import {startRedis, type RedisProcess} from '../../bus/redis/redis-server.js'
import {InstanceSet} from '../../bus/redis/shared-instances.js'
import {SessionStreamClient} from './client.js'

let redis: RedisProcess
let set: InstanceSet
let a: RunningServer
let b: RunningServer

beforeAll(async () => {
  redis = await startRedis()
  set = new InstanceSet(redis)
  ;[a, b] = await Promise.all([set.start(), set.start()])
})
afterAll(async () => {
  await set?.close()
  await redis?.dispose()
})

const post = async (server: RunningServer, path: string, body: unknown) => {
  const res = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(body),
  })
  return {status: res.status, body: (await res.json()) as Record<string, unknown>}
}

describe('sessionstream in Redis mode', () => {
  it('a socket on B follows a prompt sent to A; ordinals come from the stream entry ids and both instances agree', async () => {
    const sid = `ss-redis-${process.pid}`
    const onB = await SessionStreamClient.connect(b)
    onB.subscribe(sid)
    await onB.waitFor(() => onB.kinds().includes('subscribed'), 'subscribed on B')
    const onA = await SessionStreamClient.connect(a)
    onA.subscribe(sid)
    await onA.waitFor(() => onA.kinds().includes('subscribed'), 'subscribed on A')

    expect((await post(a, `/api/chat/sessions/${sid}/messages`, {prompt: 'hello from A'})).status).toBe(200)
    await onB.waitForEvent(sid, 'ChatRunFinished')
    await onA.waitForEvent(sid, 'ChatRunFinished')
    const fromB = onB.uiEvents(sid)
    // Same frames on both instances, ordinals = ms * 1e6 + seq of the Redis entry (far above any counter).
    expect(onA.uiEvents(sid)).toEqual(fromB)
    expect(fromB[0]!.ordinal > 1_000_000_000_000_000n).toBe(true)
    expect(onB.invalid).toEqual([])

    // A late joiner on B gets the same timeline as the snapshot A serves.
    const late = await SessionStreamClient.connect(b)
    late.subscribe(sid)
    await late.waitFor(() => late.kinds().includes('subscribed'), 'late subscribed')
    expect(late.views.get(sid)).toEqual(onB.views.get(sid))
    const snapA = SessionSnapshotResponseSchema.parse(await (await fetch(new URL(`api/chat/sessions/${sid}`, a.url))).json())
    const snapB = SessionSnapshotResponseSchema.parse(await (await fetch(new URL(`api/chat/sessions/${sid}`, b.url))).json())
    expect(snapB).toEqual(snapA)
    expect(snapA.snapshotOrdinal).toBe(fromB.at(-1)!.ordinal.toString())
    for (const c of [onA, onB, late]) await c.close()
  })
})
