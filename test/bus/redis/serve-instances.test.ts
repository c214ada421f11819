import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {eventually, freePort, startRedis, type RedisProcess} from './redis-server.js'
import {postJson, serveFailure} from './serve-instance.js'
import {expectCompleteLog, twoInstanceTests} from './two-instances.js'

// Two `jiminy serve` processes sharing one redis-server. A is configured by flags, B by jiminy.yaml's `bus:`.
// The same two-instance tests run on a Redis Cluster in serve-instances-cluster.test.ts.
let redis: RedisProcess

beforeAll(async () => {
  redis = await startRedis({appendOnly: true})
})

afterAll(async () => {
  await redis?.dispose()
})

describe('two serve instances sharing Redis', () => {
  const t = twoInstanceTests(() => redis)
  const {conv, connect, runDone} = t
  const chat = async (instance: 'a' | 'b', convId: string, prompt: string, profile = 'default') =>
    postJson(`${t[instance].url}chat/${profile}`, {prompt, conv_id: convId})

  it('Redis restarted mid-stream: every client ends with every frame exactly once', async () => {
    const id = conv()
    const onA = await connect(t.a, id)
    const onB = await connect(t.b, id)
    const started = await chat('a', id, 'keep streaming through a Redis restart, one word at a time, please', 'paced')
    expect(started.status).toBe(200)
    await onB.waitFor(() => onB.lastSeq >= 3, 'the run to stream')
    await redis.stop('SIGKILL')
    await new Promise((r) => setTimeout(r, 400))
    await redis.restart()
    await runDone(id, onA, onB)
    expectCompleteLog(onA.frames)
    expect(onA.frames.some((f) => f.type === 'llm.final' && f.inference_id === started.body.inference_id)).toBe(true)
    expect(onB.frames).toEqual(onA.frames)
    const final = onA.frames.find((f) => f.type === 'llm.final')!
    const lastDelta = onA.frames.filter((f) => f.type === 'llm.delta').at(-1)!
    expect(lastDelta.cumulative).toBe(final.text)
    // And the instances serve the next run normally.
    const next = await eventually(async () => {
      const r = await chat('b', id, 'after the restart')
      expect(r.status).toBe(200)
      return r
    })
    await runDone(id, onA, onB)
    expectCompleteLog(onA.frames)
    expect(onA.frames.some((f) => f.type === 'llm.final' && f.inference_id === next.body.inference_id)).toBe(true)
  })

  it('Redis down at start: one clear error, exit code 2', async () => {
    const port = await freePort()
    const result = await serveFailure(['--bus', 'redis', '--redis-url', `redis://:secret@127.0.0.1:${port}`])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr.trim()).toBe(
      `jiminy: cannot reach Redis at redis://:***@127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}); start redis-server or pass --redis-url redis://host:port`,
    )
  })
})
