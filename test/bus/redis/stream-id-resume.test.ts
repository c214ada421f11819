import WebSocket from 'ws'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {compareStreamIds} from '../../../src/bus/redis/index.js'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/server.js'
import {startRedis, type RedisProcess} from './redis-server.js'
import {FrameClient, type SemEvent} from './serve-instance.js'
import {chat, InstanceSet, PROFILES, runDone} from './shared-instances.js'

let redis: RedisProcess
let set: InstanceSet
let a: RunningServer
let b: RunningServer
const clients: FrameClient[] = []
let n = 0
const conv = () => `sid-${process.pid}-${++n}`

async function join(server: RunningServer, params: Record<string, string>): Promise<FrameClient> {
  const client = await FrameClient.connectWith(server.url, params)
  clients.push(client)
  return client
}

function expectCompleteLog(frames: readonly SemEvent[]): void {
  expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1))
  for (let i = 1; i < frames.length; i++) expect(compareStreamIds(frames[i - 1]!.stream_id!, frames[i]!.stream_id!)).toBeLessThanOrEqual(0)
}

/** Opens a socket and collects what the server says until it closes the socket. */
function refusedJoin(server: RunningServer, query: string): Promise<{messages: {type: string; code?: string}[]; code: number}> {
  const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}ws?${query}`)
  const messages: {type: string; code?: string}[] = []
  // Control frames are SEM envelopes: keep their event.
  ws.on('message', (data) => messages.push((JSON.parse(data.toString()) as {event: {type: string}}).event))
  return new Promise((resolve) => ws.once('close', (code) => resolve({messages, code})))
}

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

describe('GET /ws?after_stream_id=… (Redis mode)', () => {
  it('a client that moves to the other instance with its last stream id misses nothing and gets nothing twice', async () => {
    const id = conv()
    const reference = await join(a, {conv_id: id})
    const first = await join(a, {conv_id: id})
    expect((await chat(a, id, 'stream me slowly, word after word, while I move to the other instance', 'paced')).status).toBe(200)
    await first.waitFor(() => first.lastSeq >= 4, 'a few frames on A')
    await first.close()
    const cursor = first.frames.at(-1)!.stream_id!
    const moved = await join(b, {conv_id: id, after_stream_id: cursor})
    const replay = moved.control.find((c) => c.type === 'ws.replay')!
    expect(replay).toMatchObject({after_seq: first.lastSeq, truncated: false})
    await runDone(redis, id, moved, reference)
    const combined = [...first.frames, ...moved.frames]
    expectCompleteLog(combined)
    expect(combined).toEqual(reference.frames)
    expect(moved.frames.every((f) => compareStreamIds(f.stream_id!, cursor) > 0)).toBe(true)
  })

  it('replays strictly after the given entry once the run is over, on either instance; 0 replays everything', async () => {
    const id = conv()
    const reference = await join(a, {conv_id: id})
    expect((await chat(a, id, 'a finished run /tool')).status).toBe(200)
    await runDone(redis, id, reference)
    const ids = [...new Set(reference.frames.map((f) => f.stream_id!))]
    const middle = ids[Math.floor(ids.length / 2)]!
    for (const server of [a, b]) {
      const late = await join(server, {conv_id: id, after_stream_id: middle})
      await late.waitFor(() => late.lastSeq >= reference.lastSeq, 'the last frame')
      expect(late.frames).toEqual(reference.frames.filter((f) => compareStreamIds(f.stream_id!, middle) > 0))
    }
    const all = await join(b, {conv_id: id, after_stream_id: '0'})
    await all.waitFor(() => all.lastSeq >= reference.lastSeq, 'the last frame')
    expect(all.frames).toEqual(reference.frames)
  })

  it('reads the stream itself: it replays frames this instance no longer holds in its FrameLog', async () => {
    const small = await set.start({}, {limits: {frameLogCapacity: 5}})
    const id = conv()
    const reference = await join(a, {conv_id: id})
    await join(small, {conv_id: id}) // small reads the run too, keeping only its last 5 frames
    expect((await chat(a, id, 'enough words to overflow a five frame log easily')).status).toBe(200)
    await runDone(redis, id, reference)
    expect(reference.lastSeq).toBeGreaterThan(10)
    const bySeq = await join(small, {conv_id: id, after_seq: '0'})
    expect(bySeq.control.find((c) => c.type === 'ws.replay')).toMatchObject({truncated: true})
    const byStreamId = await join(small, {conv_id: id, after_stream_id: reference.frames[0]!.stream_id!})
    await byStreamId.waitFor(() => byStreamId.lastSeq >= reference.lastSeq, 'the last frame')
    expect(byStreamId.frames).toEqual(reference.frames.filter((f) => f.stream_id !== reference.frames[0]!.stream_id))
  })

  it('refuses a malformed stream id', async () => {
    const bad = await refusedJoin(a, `conv_id=${conv()}&after_stream_id=nope`)
    expect(bad.messages).toEqual([expect.objectContaining({type: 'ws.error', code: 'bad_after_stream_id'})])
    expect(bad.code).toBe(1008)
  })

  /** A finished run whose entries make several frames each (two tool calls), watched from its start on instance a. */
  async function toolRun(): Promise<{id: string; reference: FrameClient}> {
    const id = conv()
    const reference = await join(a, {conv_id: id})
    expect((await chat(a, id, 'two tools at once /tools')).status).toBe(200)
    await runDone(redis, id, reference)
    return {id, reference}
  }

  it('refuses both cursors on one join (bad_resume): a pair that disagrees would skip frames', async () => {
    const {id, reference} = await toolRun()
    const first = reference.frames[0]!
    // Consistent or not (a seq of one entry, the stream id of a later one), the pair is refused.
    for (const frame of [first, reference.frames.at(-1)!]) {
      const refused = await refusedJoin(b, `conv_id=${id}&after_stream_id=${frame.stream_id!}&after_seq=${first.seq}`)
      expect(refused.messages).toEqual([expect.objectContaining({type: 'ws.error', code: 'bad_resume'})])
      expect(refused.code).toBe(1008)
    }
  })

  it('after_seq alone resumes at every frame boundary, inside an entry too, on either instance: nothing lost', async () => {
    const {id, reference} = await toolRun()
    // One entry makes several frames (tool.result + tool.done): the seq names a frame inside it.
    expect(new Set(reference.frames.map((f) => f.stream_id)).size).toBeLessThan(reference.frames.length)
    for (const [i, last] of reference.frames.entries()) {
      const resumed = await join(i % 2 === 0 ? a : b, {conv_id: id, after_seq: String(last.seq)})
      const rest = reference.frames.slice(i + 1)
      if (rest.length > 0) await resumed.waitFor(() => resumed.lastSeq >= reference.lastSeq, `the frames after ${last.seq}`)
      else await resumed.waitFor(() => resumed.control.some((c) => c.type === 'ws.replay'), 'ws.replay')
      expect(resumed.frames).toEqual(rest)
      await resumed.close()
    }
  })
})

describe('GET /ws?after_stream_id=… with the in-memory bus', () => {
  it('answers with a ws.error saying stream ids need the redis bus', async () => {
    const server = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(PROFILES, 'stream-id-resume.test.ts')})
    try {
      const refused = await refusedJoin(server, `conv_id=${conv()}&after_stream_id=1700000000000-0`)
      expect(refused.code).toBe(1008)
      expect(refused.messages).toHaveLength(1)
      expect(refused.messages[0]).toMatchObject({type: 'ws.error', code: 'stream_id_needs_redis'})
      expect((refused.messages[0] as unknown as {message: string}).message).toMatch(/redis bus.*after_seq/)
    } finally {
      await server.close()
    }
  })
})
