import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Redis} from 'ioredis'
import {snapshotKey} from '../../../src/bus/redis/index.js'
import type {Turn} from '../../../src/core/index.js'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/server.js'
import {startRedis, type RedisProcess} from './redis-server.js'
import {chat, getJson, InstanceSet, PROFILES, runDone} from './shared-instances.js'

let redis: RedisProcess
let set: InstanceSet
let a: RunningServer
let b: RunningServer
let n = 0
const conv = () => `snap-${process.pid}-${++n}`

const texts = (turn: Turn) => turn.blocks.map((blk) => `${blk.kind}:${String(blk.payload.text ?? '')}`)

async function snapshotOn(server: RunningServer, convId: string): Promise<{store: string; blocks: number; turn: Turn}> {
  const r = await getJson(`${server.url}api/conversations/${convId}/snapshot`)
  expect(r.status).toBe(200)
  return r.body as unknown as {store: string; blocks: number; turn: Turn}
}

beforeAll(async () => {
  redis = await startRedis()
  set = new InstanceSet(redis)
  ;[a, b] = await Promise.all([set.start(), set.start()])
})
afterAll(async () => {
  await set?.close()
  await redis?.dispose()
})

describe('conversation history shared by the instances (Redis mode)', () => {
  it('a run through B continues from the turns a run through A produced, and back', async () => {
    const id = conv()
    expect((await chat(a, id, 'first question')).status).toBe(200)
    await runDone(redis, id)
    const afterA = await snapshotOn(a, id)
    expect(afterA.store).toBe('redis')
    expect(texts(afterA.turn)).toEqual(['user:first question', expect.stringMatching(/^llm_text:.*first question/)])

    // B never saw this conversation: its seed is still A's snapshot + the new user block.
    expect((await chat(b, id, 'second question')).status).toBe(200)
    await runDone(redis, id)
    const afterB = await snapshotOn(b, id)
    expect(afterB.blocks).toBe(4)
    expect(texts(afterB.turn).slice(0, 3)).toEqual([...texts(afterA.turn), 'user:second question'])
    expect(afterB.turn.blocks.slice(0, 2)).toEqual(afterA.turn.blocks)
    // B's own Session continued from it too (GET /api/conversations/{id} shows the same turn).
    const detail = await getJson(`${b.url}api/conversations/${id}`)
    expect((detail.body.turn as Turn).blocks).toEqual(afterB.turn.blocks)

    // And A, whose Session only knows run 1, continues from B's run.
    expect((await chat(a, id, 'third question')).status).toBe(200)
    await runDone(redis, id)
    const afterA2 = await snapshotOn(a, id)
    expect(texts(afterA2.turn).slice(0, 5)).toEqual([...texts(afterB.turn), 'user:third question'])
    expect(afterA2.blocks).toBe(6)
    expect(await snapshotOn(b, id)).toEqual(afterA2)
  })

  it('stores the snapshot under jiminy:snapshot:{conv_id} before the run lock is released', async () => {
    const id = conv()
    expect((await chat(b, id, 'remember me')).status).toBe(200)
    await runDone(redis, id)
    const raw = new Redis(redis.url)
    const stored = JSON.parse((await raw.get(snapshotKey(id)))!) as Turn
    raw.disconnect()
    expect(texts(stored)[0]).toBe('user:remember me')
    expect(stored.blocks).toHaveLength(2)
  })

  it('an unknown conversation has no snapshot (404)', async () => {
    expect((await getJson(`${a.url}api/conversations/${conv()}/snapshot`)).status).toBe(404)
  })
})

describe('memory mode keeps the snapshot in the conversation store', () => {
  it('GET …/snapshot answers from the store (the Session first while it is live)', async () => {
    const server = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(PROFILES, 'shared-snapshot.test.ts')})
    try {
      const id = conv()
      const first = await chat(server, id, 'one')
      expect(first.status).toBe(200)
      await server.manager.get(id)!.running()?.wait()
      expect((await chat(server, id, 'two')).status).toBe(200)
      await server.manager.get(id)!.running()?.wait()
      const snap = await snapshotOn(server, id)
      expect(snap.store).toBe('store')
      expect(texts(snap.turn).filter((t) => t.startsWith('user:'))).toEqual(['user:one', 'user:two'])
      expect(snap.blocks).toBe(4)
    } finally {
      await server.close()
    }
  })
})
