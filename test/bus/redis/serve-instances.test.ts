import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {compareStreamIds} from '../../../src/bus/redis/index.js'
import {eventually, freePort, startRedis, type RedisProcess} from './redis-server.js'
import {FrameClient, postJson, serveFailure, spawnServe, type SemEvent, type ServeInstance} from './serve-instance.js'
import {runDone as runDoneOn} from './shared-instances.js'

// Two `jiminy serve` processes sharing one redis-server. A is configured by flags, B by jiminy.yaml's `bus:`.
let redis: RedisProcess
let a: ServeInstance
let b: ServeInstance
let dir: string
const clients: FrameClient[] = []
let n = 0
const conv = () => `multi-${process.pid}-${++n}`

const PROFILES = `
profiles:
  default: {provider: {type: mock, delay_ms: 0}}
  paced: {provider: {type: mock, delay_ms: 40}}
  step: {provider: {type: mock, delay_ms: 0}, step_mode: true}
`

async function connect(instance: ServeInstance, convId: string, afterSeq?: number): Promise<FrameClient> {
  const client = await FrameClient.connect(instance.url, convId, afterSeq)
  clients.push(client)
  return client
}

async function chat(instance: ServeInstance, convId: string, prompt: string, profile = 'default') {
  return postJson(`${instance.url}chat/${profile}`, {prompt, conv_id: convId})
}

/** Waits until the run of convId is over everywhere (lock released, every watcher has the last frame). */
const runDone = (convId: string, ...watchers: FrameClient[]): Promise<number> => runDoneOn(redis, convId, ...watchers)

/** Seqs 1..N, each once, and stream ids that never go back (frames of one entry share its id). */
function expectCompleteLog(frames: readonly SemEvent[]): void {
  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1))
  for (const f of frames) expect(f.stream_id).toMatch(/^\d+-\d+$/)
  for (let i = 1; i < frames.length; i++) expect(compareStreamIds(frames[i - 1]!.stream_id!, frames[i]!.stream_id!)).toBeLessThanOrEqual(0)
}

beforeAll(async () => {
  redis = await startRedis({appendOnly: true})
  dir = mkdtempSync(join(tmpdir(), 'jiminy-multi-'))
  writeFileSync(join(dir, 'flags.yaml'), PROFILES)
  writeFileSync(join(dir, 'with-bus.yaml'), `${PROFILES}\nbus: {type: redis, redis_url: "${redis.url}"}\n`)
  ;[a, b] = await Promise.all([
    spawnServe(['--config', join(dir, 'flags.yaml'), '--bus', 'redis', '--redis-url', redis.url]),
    spawnServe(['--config', join(dir, 'with-bus.yaml')]),
  ])
})

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await Promise.all([a?.stop(), b?.stop()])
  await redis?.dispose()
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('two serve instances sharing Redis', () => {
  it('a client on B sees, in order and with entry ids, the frames of a run started through A', async () => {
    const id = conv()
    const onB = await connect(b, id)
    const onA = await connect(a, id)
    const started = await chat(a, id, 'hello from A /tool')
    expect(started.status).toBe(200)
    const inference = started.body.inference_id as string
    await runDone(id, onA, onB)
    expectCompleteLog(onB.frames)
    expect(onB.frames.map((f) => f.type)).toEqual(
      expect.arrayContaining(['llm.start', 'llm.delta', 'tool.start', 'tool.result', 'tool.done', 'llm.final']),
    )
    expect(onB.frames.filter((f) => f.inference_id === inference).length).toBeGreaterThan(5)
    // Both instances number every frame alike and tag it with the same entry id.
    expect(onB.frames).toEqual(onA.frames)
  })

  it('a second run through B continues the numbering of the run made on A', async () => {
    const id = conv()
    const onA = await connect(a, id)
    expect((await chat(a, id, 'first')).status).toBe(200)
    await runDone(id, onA)
    const second = await eventually(async () => {
      const r = await chat(b, id, 'second')
      expect(r.status).toBe(200) // A's lock is released once its run is flushed
      return r
    })
    await runDone(id, onA)
    expectCompleteLog(onA.frames)
    expect(new Set(onA.frames.map((f) => f.inference_id))).toContain(second.body.inference_id)
    const onB = await connect(b, id, 0)
    await runDone(id, onB)
    expect(onB.frames).toEqual(onA.frames)
  })

  it('a client that moves to the other instance with its last cursor misses nothing and gets nothing twice', async () => {
    const id = conv()
    const reference = await connect(a, id)
    const first = await connect(a, id)
    const started = await chat(a, id, 'stream me slowly, word after word, while I move', 'paced')
    expect(started.status).toBe(200)
    await first.waitFor(() => first.lastSeq >= 4, 'a few frames on A')
    await first.close()
    const cursor = first.lastSeq
    const moved = await connect(b, id, cursor)
    await runDone(id, moved, reference)
    const combined = [...first.frames, ...moved.frames]
    expectCompleteLog(combined)
    expect(combined).toEqual(reference.frames)
  })

  it('/chat on B while A runs the conversation is 409 naming the run; cancel sent to B stops the run on A', async () => {
    const id = conv()
    const onA = await connect(a, id)
    const started = await chat(a, id, 'take your time /slow')
    expect(started.status).toBe(200)
    const inference = started.body.inference_id as string
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'llm.delta'), 'the run to stream')

    const refused = await chat(b, id, 'me too')
    expect(refused.status).toBe(409)
    expect(refused.body.inference_id).toBe(inference)

    const cancelled = await postJson(`${b.url}api/conversations/${id}/cancel`, {})
    expect(cancelled).toEqual({status: 200, body: {conv_id: id, cancelled: true, inference_id: inference}})
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'run.cancelled' && f.inference_id === inference), 'run.cancelled')
    const state = await (await fetch(`${a.url}api/conversations/${id}`)).json()
    expect(state).toMatchObject({running: false})
    // The lock is gone with the run: B may run the conversation now.
    await eventually(async () => expect((await chat(b, id, 'my turn')).status).toBe(200))
  })

  it('step decisions sent to B reach the paused run on A', async () => {
    const id = conv()
    const onA = await connect(a, id)
    const started = await chat(a, id, 'what is 2+3? /tool', 'step')
    const inference = started.body.inference_id as string
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'step.paused'), 'step.paused')
    const pause = onA.frames.find((f) => f.type === 'step.paused')!
    const stale = await postJson(`${b.url}api/conversations/${id}/step`, {pause_id: 'pause_nope', action: 'continue'})
    expect(stale.status).toBe(409)
    const pauseId = pause.pause_id as string
    const ok = await postJson(`${b.url}api/conversations/${id}/step`, {pause_id: pauseId, action: 'continue'})
    expect(ok).toEqual({status: 200, body: {conv_id: id, pause_id: pauseId, action: 'continue'}})
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'step.resumed' && f.pause_id === pauseId), 'step.resumed')
    // Answer any later pause from B too, until the run ends.
    await onA.waitFor(() => {
      const open = onA.frames
        .filter((f) => f.type === 'step.paused')
        .find((p) => !onA.frames.some((r) => r.type === 'step.resumed' && r.pause_id === p.pause_id))
      if (open) void postJson(`${b.url}api/conversations/${id}/step`, {pause_id: open.pause_id, action: 'continue'})
      return onA.frames.some(
        (f) => f.type === 'llm.final' && f.inference_id === inference && !onA.frames.some((p) => p.type === 'step.paused' && p.seq > f.seq),
      )
    }, 'the stepped run to end')
    await runDone(id, onA)
    expectCompleteLog(onA.frames)
  })

  it('Redis restarted mid-stream: every client ends with every frame exactly once', async () => {
    const id = conv()
    const onA = await connect(a, id)
    const onB = await connect(b, id)
    const started = await chat(a, id, 'keep streaming through a Redis restart, one word at a time, please', 'paced')
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
      const r = await chat(b, id, 'after the restart')
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
