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
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await set?.close()
  await redis?.dispose()
})

describe('Redis lost while serving, longer than the publish window', () => {
  it('stops the run as failed with exactly one terminal frame on every instance, answers 503 bus_unavailable meanwhile, and serves the next run once Redis is back', async () => {
    const busErrors: string[] = []
    a = await set.start({publishTimeoutMs: 300}, {events: {busError: (convId) => busErrors.push(convId)}})
    const b = await set.start({publishTimeoutMs: 300})
    const id = `lost-${process.pid}`
    const onA = await FrameClient.connect(a.url, id)
    const onB = await FrameClient.connect(b.url, id)
    clients.push(onA, onB)
    const started = await chat(a, id, 'stream slowly for a long time /slow', 'paced')
    expect(started.status).toBe(200)
    const inference = started.body.inference_id as string
    for (const c of [onA, onB]) await c.waitFor(() => c.frames.filter((f) => f.type === 'llm.delta').length >= 2, 'the run to stream')
    const run = a.manager.get(id)!.running()!
    expect(run.inferenceId).toBe(inference)

    await redis.stop('SIGKILL')
    const outcome = await run.wait()
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatch(/could not be published/)
    // The owner's sockets are told at once, outside the log, with a notice that ends nothing.
    await onA.waitFor(() => onA.notices.length > 0, 'the bus_unavailable notice')
    expect(onA.notices).toEqual([
      expect.objectContaining({type: 'log', level: 'error', inference_id: inference, fields: {code: 'bus_unavailable'}}),
    ])
    expect(a.manager.get(id)!.running()).toBeUndefined()

    // While Redis is away, starting a run is a 503 with the code, on both transports; the server keeps serving.
    const down = await chat(a, `lost-other-${process.pid}`, 'hello')
    expect(down).toMatchObject({status: 503, body: {code: 'bus_unavailable'}})
    expect(String(down.body.error)).toMatch(/redis unavailable/)
    const sdk = await fetch(`${a.url}api/chat`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        id: `lost-sdk-${process.pid}`,
        trigger: 'submit-message',
        messages: [{id: 'm1', role: 'user', parts: [{type: 'text', text: 'hi'}]}],
      }),
    })
    expect(sdk.status).toBe(503)
    expect(await sdk.json()).toMatchObject({code: 'bus_unavailable'})
    expect((await getJson(`${a.url}api/conversations/${id}`)).body).toMatchObject({running: false})
    // GET /healthz says so too (a load balancer takes the instance out), with the one error body.
    expect(await getJson(`${a.url}healthz`)).toMatchObject({
      status: 503,
      body: {ok: false, code: 'bus_unavailable', bus: {kind: 'redis', ready: false}, store: {kind: 'redis'}},
    })

    await redis.restart()
    await eventually(
      async () => expect(await getJson(`${a.url}healthz`)).toMatchObject({status: 200, body: {ok: true, bus: {ready: true}}}),
      30_000,
    )
    // Once Redis is back every client sees the run end, once: one run.error bus_unavailable (logged, with a seq), one run.finished.
    const ended = (c: FrameClient) => c.frames.some((f) => f.type === 'run.finished' && f.inference_id === inference)
    for (const c of [onA, onB]) await c.waitFor(() => ended(c), 'run.finished of the stopped run', 30_000)
    const terminals = (c: FrameClient) =>
      c.frames.filter((f) => f.inference_id === inference && ['run.error', 'run.cancelled', 'run.finished'].includes(f.type))
    for (const c of [onA, onB]) {
      expect(terminals(c).map((f) => f.type)).toEqual(['run.error', 'run.finished'])
      expect(terminals(c)[0]).toMatchObject({code: 'bus_unavailable'})
      expect(terminals(c)[1]).toMatchObject({status: 'failed'})
      expect(c.notices.filter((n) => String(n.type).startsWith('run.'))).toEqual([])
    }
    expect(terminals(onB).map((f) => f.seq)).toEqual(terminals(onA).map((f) => f.seq))

    const next = await eventually(async () => {
      const r = await chat(a, id, 'back again')
      expect(r.status).toBe(200)
      return r
    }, 30_000)
    await runDone(redis, id, onA, onB)
    expect(onA.frames.some((f) => f.type === 'llm.final' && f.inference_id === next.body.inference_id)).toBe(true)
    // Seqs still only rise for the client (frames lost while Redis was down are simply absent).
    for (const c of [onA, onB]) {
      const seqs = c.frames.map((f) => f.seq)
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs)
      expect(new Set(seqs).size).toBe(seqs.length)
    }
    // Nothing of the stopped run after its run.finished (no instance_lost from a reaper either).
    for (const c of [onA, onB]) expect(terminals(c)).toHaveLength(2)
    // The owner logged the failure once, not once per dropped event or per retry of the run's end.
    expect(busErrors).toEqual([id])
    // The control channel came back with Redis: a cancel sent to B still stops a run on A.
    const slow = await chat(a, id, 'one more, slowly /slow', 'paced')
    expect(slow.status).toBe(200)
    const cancelled = await fetch(`${b.url}api/conversations/${id}/cancel`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: '{}',
    })
    expect(await cancelled.json()).toMatchObject({conv_id: id, cancelled: true, inference_id: slow.body.inference_id})
    await onA.waitFor(
      () => onA.frames.some((f) => f.type === 'run.cancelled' && f.inference_id === slow.body.inference_id),
      'run.cancelled',
    )
  }, 90_000)

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
