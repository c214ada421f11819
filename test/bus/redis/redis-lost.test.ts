import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/server.js'
import {eventually, startRedis, type RedisProcess} from './redis-server.js'
import {FrameClient} from './serve-instance.js'
import {chat, getJson, InstanceSet, runDone} from './shared-instances.js'

// Redis gone for longer than the publish window: the run must end with an error, not go on unseen.
let redis: RedisProcess
let set: InstanceSet
let a: RunningServer
const clients: FrameClient[] = []

beforeAll(async () => {
  redis = await startRedis({appendOnly: true})
  set = new InstanceSet(redis)
  a = await set.start({publishTimeoutMs: 300})
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await set?.close()
  await redis?.dispose()
})

describe('Redis lost while serving, longer than the publish window', () => {
  it('cancels the run and sends a run.error to the local sockets; the next run works once Redis is back', async () => {
    const id = `lost-${process.pid}`
    const onA = await FrameClient.connect(a.url, id)
    clients.push(onA)
    const started = await chat(a, id, 'stream slowly for a long time /slow', 'paced')
    expect(started.status).toBe(200)
    const inference = started.body.inference_id as string
    await onA.waitFor(() => onA.frames.filter((f) => f.type === 'llm.delta').length >= 2, 'the run to stream')
    const run = a.manager.get(id)!.running()!
    expect(run.inferenceId).toBe(inference)

    await redis.stop('SIGKILL')
    const outcome = await run.wait()
    expect(outcome.status).toBe('cancelled')
    await onA.waitFor(() => onA.notices.length > 0, 'the run.error notice')
    expect(onA.notices).toEqual([expect.objectContaining({type: 'run.error', code: 'bus_unavailable', inference_id: inference})])
    expect(onA.notices[0]!.seq).toBeUndefined()
    expect(String(onA.notices[0]!.message)).toMatch(/could not be published/)
    expect(a.manager.get(id)!.running()).toBeUndefined()
    const state = await getJson(`${a.url}api/conversations/${id}`)
    expect(state.body).toMatchObject({running: false})

    await redis.restart()
    const next = await eventually(async () => {
      const r = await chat(a, id, 'back again')
      expect(r.status).toBe(200)
      return r
    }, 30_000)
    await runDone(redis, id, onA)
    expect(onA.frames.some((f) => f.type === 'llm.final' && f.inference_id === next.body.inference_id)).toBe(true)
    // Seqs still only rise for the client (frames lost while Redis was down are simply absent).
    const seqs = onA.frames.map((f) => f.seq)
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs)
    expect(new Set(seqs).size).toBe(seqs.length)
  }, 60_000)

  it('a server whose Redis is gone still shuts down promptly (readers waiting on Redis are let go)', async () => {
    const b = await set.start({publishTimeoutMs: 300})
    const id = `lost-close-${process.pid}`
    const onB = await FrameClient.connect(b.url, id)
    expect((await chat(b, id, 'hello')).status).toBe(200)
    await runDone(redis, id, onB)
    await onB.close()
    await redis.stop('SIGKILL')
    try {
      await b.close() // bounded by the test timeout: it used to wait forever on the blocked XREAD
    } finally {
      await redis.restart()
    }
  }, 15_000)
})
