import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/server.js'
import {eventually, startRedis, type RedisProcess} from './redis-server.js'
import {FrameClient} from './serve-instance.js'
import {chat, getJson, InstanceSet, runDone} from './shared-instances.js'

let redis: RedisProcess
let set: InstanceSet
let a: RunningServer
let b: RunningServer
const clients: FrameClient[] = []
let n = 0
const conv = () => `state-${process.pid}-${++n}`

beforeAll(async () => {
  redis = await startRedis()
  set = new InstanceSet(redis)
  ;[a, b] = await Promise.all([set.start(), set.start()])
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await set?.close()
  await redis?.dispose()
})

describe('GET /api/conversations/{id} on an instance that does not run the conversation', () => {
  it('shows running: true and the inference id of the run on A, on B with and without a socket; false once it ended', async () => {
    const id = conv()
    const onA = await FrameClient.connect(a.url, id)
    clients.push(onA)
    const started = await chat(a, id, 'take your time /slow', 'paced')
    expect(started.status).toBe(200)
    const inference = started.body.inference_id as string
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'llm.delta'), 'the run to stream')

    // B has never opened the conversation: it answers from the run lock alone.
    const bare = await eventually(async () => {
      const r = await getJson(`${b.url}api/conversations/${id}`)
      expect(r.body.inference_id).toBe(inference)
      return r
    })
    expect(bare.status).toBe(200)
    expect(bare.body).toMatchObject({conv_id: id, running: true, inference_id: inference, here: false})
    expect(bare.body.run_instance).toEqual(expect.any(String))

    // With a socket on B, B has its own view of the conversation; the run is still A's.
    const onB = await FrameClient.connect(b.url, id)
    clients.push(onB)
    const full = await getJson(`${b.url}api/conversations/${id}`)
    expect(full.body).toMatchObject({conv_id: id, running: true, inference_id: inference, run_instance: bare.body.run_instance})
    expect(full.body.last_seq).toBeGreaterThan(0)
    // A, the owner, describes its own run (no run_instance).
    const onOwner = await getJson(`${a.url}api/conversations/${id}`)
    expect(onOwner.body).toMatchObject({running: true, inference_id: inference})
    expect(onOwner.body.run_instance).toBeUndefined()

    expect((await fetch(`${b.url}api/conversations/${id}/cancel`, {method: 'POST'})).status).toBe(200)
    await runDone(redis, id, onA, onB)
    const after = await getJson(`${b.url}api/conversations/${id}`)
    expect(after.body).toMatchObject({running: false, inference_id: null})
    expect(after.body.run_instance).toBeUndefined()
  })

  it('is still 404 for a conversation nobody has', async () => {
    expect((await getJson(`${b.url}api/conversations/${conv()}`)).status).toBe(404)
  })
})
