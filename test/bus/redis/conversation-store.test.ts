import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/server.js'
import {eventually, startRedis, type RedisProcess} from './redis-server.js'
import {chat, getJson, InstanceSet, runDone} from './shared-instances.js'

/**
 * Issue 12 item 6: in Redis mode the conversations are listed and shown from Redis by every
 * instance (RedisConversationStore), with no SQLite file: a conversation run on A is listed and
 * shown on B (and on an instance started later), a rename on B shows on A, a delete on A is gone on B.
 */
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

interface Listing {
  conv_id: string
  title: string
  last_seq: number
  last_activity: string
  live: boolean
}
const listOn = async (server: RunningServer) => ((await getJson(`${server.url}api/conversations`)).body.conversations as Listing[]) ?? []

describe('conversations in Redis mode', () => {
  it('are listed and shown by every instance, renamed and deleted for all', async () => {
    expect(a.store.kind).toBe('redis')
    expect(a.store.location).toMatch(new RegExp(`^redis redis://127\\.0\\.0\\.1:${redis.port}`))
    const id = `shared-${process.pid}`
    expect((await chat(a, id, 'what is 2+3? /tool')).status).toBe(200)
    const lastSeq = await runDone(redis, id)
    expect(lastSeq).toBeGreaterThan(5)

    // B never opened it: listed from Redis with its title and the seq A's frames reached.
    const onB = await eventually(async () => {
      const row = (await listOn(b)).find((c) => c.conv_id === id)
      expect(row?.last_seq).toBe(lastSeq)
      return row!
    })
    expect(onB).toMatchObject({title: 'what is 2+3? /tool', live: false})
    const shown = await getJson(`${b.url}api/conversations/${id}`)
    expect(shown.status).toBe(200)
    expect(shown.body).toMatchObject({conv_id: id, title: 'what is 2+3? /tool', profile: 'default', runs: [{status: 'completed'}]})
    expect((shown.body.turn as {blocks: unknown[]}).blocks.length).toBeGreaterThanOrEqual(4)

    // An instance started afterwards lists it too.
    const c = await set.start()
    expect((await listOn(c)).map((r) => r.conv_id)).toContain(id)

    // Rename through B: A shows the new title.
    const renamed = await fetch(`${b.url}api/conversations/${id}`, {
      method: 'PATCH',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({title: 'sums'}),
    })
    expect(renamed.status).toBe(200)
    expect((await listOn(a)).find((r) => r.conv_id === id)?.title).toBe('sums')

    // Delete through A: gone from B's list and view.
    expect((await fetch(`${a.url}api/conversations/${id}`, {method: 'DELETE'})).status).toBe(200)
    expect((await listOn(b)).map((r) => r.conv_id)).not.toContain(id)
    expect((await getJson(`${b.url}api/conversations/${id}`)).status).toBe(404)
  })
})
