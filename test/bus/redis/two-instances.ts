import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {compareStreamIds} from '../../../src/bus/redis/index.js'
import {eventually} from './redis-server.js'
import {FrameClient, postJson, spawnServe, type SemEvent, type ServeInstance} from './serve-instance.js'
import {runDone as runDoneOn} from './shared-instances.js'

export const TWO_INSTANCE_PROFILES = `
profiles:
  default: {provider: {type: mock, delay_ms: 0}}
  paced: {provider: {type: mock, delay_ms: 40}}
  step: {provider: {type: mock, delay_ms: 0}, step_mode: true}
`

/** What the two instances run against: a redis-server, or a Redis Cluster (`redis+cluster://…`). */
export interface SharedRedis {
  readonly url: string
}

export interface TwoInstances {
  readonly a: ServeInstance
  readonly b: ServeInstance
  readonly redis: SharedRedis
  readonly conv: () => string
  connect(instance: ServeInstance, convId: string, afterSeq?: number): Promise<FrameClient>
  runDone(convId: string, ...watchers: FrameClient[]): Promise<number>
}

/**
 * Starts two `jiminy serve` processes on `redis()` (A configured by flags, B by jiminy.yaml's
 * \`bus:\` — \`redis_url\`, or \`bus.cluster: [...]\` for a cluster URL) and registers the
 * two-instance tests: streaming, numbering across instances, resume on the other instance,
 * cross-instance 409 + cancel, step. Call inside a describe; the returned object holds the instances.
 */
export function twoInstanceTests(redis: () => SharedRedis): TwoInstances {
  let a: ServeInstance
  let b: ServeInstance
  let dir: string
  const clients: FrameClient[] = []
  let n = 0
  const ctx: TwoInstances = {
    get a() {
      return a
    },
    get b() {
      return b
    },
    get redis() {
      return redis()
    },
    conv: () => `multi-${process.pid}-${++n}`,
    connect: async (instance, convId, afterSeq) => {
      const client = await FrameClient.connect(instance.url, convId, afterSeq)
      clients.push(client)
      return client
    },
    runDone: (convId, ...watchers) => runDoneOn(redis(), convId, ...watchers),
  }
  beforeAll(async () => {
    const {url} = redis()
    dir = mkdtempSync(join(tmpdir(), 'jiminy-multi-'))
    writeFileSync(join(dir, 'flags.yaml'), TWO_INSTANCE_PROFILES)
    const bus = url.startsWith('redis+cluster://')
      ? `{type: redis, cluster: [${url
          .slice('redis+cluster://'.length)
          .split(',')
          .map((node) => `"${node}"`)
          .join(', ')}]}`
      : `{type: redis, redis_url: "${url}"}`
    writeFileSync(join(dir, 'with-bus.yaml'), `${TWO_INSTANCE_PROFILES}\nbus: ${bus}\n`)
    ;[a, b] = await Promise.all([
      spawnServe(['--config', join(dir, 'flags.yaml'), '--bus', 'redis', '--redis-url', url]),
      spawnServe(['--config', join(dir, 'with-bus.yaml')]),
    ])
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()))
    await Promise.all([a?.stop(), b?.stop()])
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const {conv, connect, runDone} = ctx
  const chat = async (instance: ServeInstance, convId: string, prompt: string, profile = 'default') =>
    postJson(`${instance.url}chat/${profile}`, {prompt, conv_id: convId})

  it('a client on B sees, in order and with entry ids, the frames of a run started through A', async () => {
    const id = conv()
    const onB = await connect(ctx.b, id)
    const onA = await connect(ctx.a, id)
    const started = await chat(ctx.a, id, 'hello from A /tool')
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
    const onA = await connect(ctx.a, id)
    expect((await chat(ctx.a, id, 'first')).status).toBe(200)
    await runDone(id, onA)
    const second = await eventually(async () => {
      const r = await chat(ctx.b, id, 'second')
      expect(r.status).toBe(200) // A's lock is released once its run is flushed
      return r
    })
    await runDone(id, onA)
    expectCompleteLog(onA.frames)
    expect(new Set(onA.frames.map((f) => f.inference_id))).toContain(second.body.inference_id)
    const onB = await connect(ctx.b, id, 0)
    await runDone(id, onB)
    expect(onB.frames).toEqual(onA.frames)
  })

  it('a client that moves to the other instance with its last cursor misses nothing and gets nothing twice', async () => {
    const id = conv()
    const reference = await connect(ctx.a, id)
    const first = await connect(ctx.a, id)
    const started = await chat(ctx.a, id, 'stream me slowly, word after word, while I move', 'paced')
    expect(started.status).toBe(200)
    await first.waitFor(() => first.lastSeq >= 4, 'a few frames on A')
    await first.close()
    const cursor = first.lastSeq
    const moved = await connect(ctx.b, id, cursor)
    await runDone(id, moved, reference)
    const combined = [...first.frames, ...moved.frames]
    expectCompleteLog(combined)
    expect(combined).toEqual(reference.frames)
  })

  it('/chat on B while A runs the conversation is 409 naming the run; cancel sent to B stops the run on A', async () => {
    const id = conv()
    const onA = await connect(ctx.a, id)
    const started = await chat(ctx.a, id, 'take your time /slow')
    expect(started.status).toBe(200)
    const inference = started.body.inference_id as string
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'llm.delta'), 'the run to stream')

    const refused = await chat(ctx.b, id, 'me too')
    expect(refused.status).toBe(409)
    expect(refused.body.inference_id).toBe(inference)

    const cancelled = await postJson(`${ctx.b.url}api/conversations/${id}/cancel`, {})
    expect(cancelled).toEqual({status: 200, body: {conv_id: id, cancelled: true, inference_id: inference}})
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'run.cancelled' && f.inference_id === inference), 'run.cancelled')
    const state = await (await fetch(`${ctx.a.url}api/conversations/${id}`)).json()
    expect(state).toMatchObject({running: false})
    // The lock is gone with the run: B may run the conversation now.
    await eventually(async () => expect((await chat(ctx.b, id, 'my turn')).status).toBe(200))
  })

  it('step decisions sent to B reach the paused run on A', async () => {
    const id = conv()
    const onA = await connect(ctx.a, id)
    const started = await chat(ctx.a, id, 'what is 2+3? /tool', 'step')
    const inference = started.body.inference_id as string
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'step.paused'), 'step.paused')
    const pause = onA.frames.find((f) => f.type === 'step.paused')!
    const stale = await postJson(`${ctx.b.url}api/conversations/${id}/step`, {pause_id: 'pause_nope', action: 'continue'})
    expect(stale.status).toBe(409)
    const pauseId = pause.pause_id as string
    const ok = await postJson(`${ctx.b.url}api/conversations/${id}/step`, {pause_id: pauseId, action: 'continue'})
    expect(ok).toEqual({status: 200, body: {conv_id: id, pause_id: pauseId, action: 'continue'}})
    await onA.waitFor(() => onA.frames.some((f) => f.type === 'step.resumed' && f.pause_id === pauseId), 'step.resumed')
    // Answer any later pause from B too, until the run ends.
    await onA.waitFor(() => {
      const open = onA.frames
        .filter((f) => f.type === 'step.paused')
        .find((p) => !onA.frames.some((r) => r.type === 'step.resumed' && r.pause_id === p.pause_id))
      if (open) void postJson(`${ctx.b.url}api/conversations/${id}/step`, {pause_id: open.pause_id, action: 'continue'})
      return onA.frames.some(
        (f) => f.type === 'llm.final' && f.inference_id === inference && !onA.frames.some((p) => p.type === 'step.paused' && p.seq > f.seq),
      )
    }, 'the stepped run to end')
    await runDone(id, onA)
    expectCompleteLog(onA.frames)
  })

  return ctx
}

/** Seqs 1..N, each once, and stream ids that never go back (frames of one entry share its id). */
export function expectCompleteLog(frames: readonly SemEvent[]): void {
  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1))
  for (const f of frames) expect(f.stream_id).toMatch(/^\d+-\d+$/)
  for (let i = 1; i < frames.length; i++) expect(compareStreamIds(frames[i - 1]!.stream_id!, frames[i]!.stream_id!)).toBeLessThanOrEqual(0)
}
