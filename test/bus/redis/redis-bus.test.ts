import {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {chatTopic, type BusMessage} from '../../../src/bus/index.js'
import {compareStreamIds, RedisBus, RedisUnavailableError, streamKeyOf} from '../../../src/bus/redis/index.js'
import {eventually, freePort, startRedis, type RedisProcess} from './redis-server.js'

let redis: RedisProcess
const buses: RedisBus[] = []
let topicCounter = 0
const freshTopic = () => chatTopic(`bus-test-${process.pid}-${++topicCounter}`)

async function newBus(options: ConstructorParameters<typeof RedisBus>[1] = {}): Promise<RedisBus> {
  const bus = await RedisBus.connect(redis.url, {blockMs: 1000, ...options})
  buses.push(bus)
  return bus
}

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()))
  await redis?.dispose()
})

describe('RedisBus', () => {
  it('appends entries in publish order; each entry id is the stream id the subscriber sees', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    const seen: BusMessage[] = []
    const sub = await bus.subscribe(topic, (m) => seen.push(m))
    const ids: string[] = []
    for (let i = 0; i < 20; i++) ids.push((await bus.publish(topic, `m${i}`)).streamId!)
    await eventually(() => expect(seen).toHaveLength(20))
    expect(seen.map((m) => m.payload)).toEqual(Array.from({length: 20}, (_, i) => `m${i}`))
    expect(seen.map((m) => m.streamId)).toEqual(ids)
    for (let i = 1; i < ids.length; i++) expect(compareStreamIds(ids[i - 1]!, ids[i]!)).toBe(-1)
    expect(seen.every((m) => m.topic === topic)).toBe(true)
    await sub.close()
  })

  it('keeps call order for concurrent publishes to one topic', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    await Promise.all(Array.from({length: 50}, (_, i) => bus.publish(topic, `c${i}`)))
    const raw = (await bus.client.xrange(streamKeyOf(topic), '-', '+')) as [string, string[]][]
    expect(raw.map(([, f]) => f[f.indexOf('payload') + 1])).toEqual(Array.from({length: 50}, (_, i) => `c${i}`))
  })

  it('numbers entries with the seq of their first frame, continuing from the last entry across writers', async () => {
    const framesOf = (payload: string) => (payload.startsWith('two') ? 2 : 1)
    const a = await newBus({framesOf})
    const b = await newBus({framesOf})
    const topic = freshTopic()
    const seen: BusMessage[] = []
    await a.subscribe(topic, (m) => seen.push(m))
    await a.publish(topic, 'one-a')
    await a.publish(topic, 'two-a')
    await b.publish(topic, 'one-b') // another instance: continues at 4, not at 1
    await b.publish(topic, 'two-b')
    await a.publish(topic, 'one-c')
    await eventually(() => expect(seen).toHaveLength(5))
    expect(seen.map((m) => [m.payload, m.seq])).toEqual([
      ['one-a', 1],
      ['two-a', 2],
      ['one-b', 4],
      ['two-b', 5],
      ['one-c', 7],
    ])
    expect(await a.lastSeq(topic)).toBe(7)
    expect(await b.lastSeq(freshTopic())).toBe(0)
  })

  it('takes the frame count the publisher gives instead of decoding the payload again', async () => {
    let decoded = 0
    const bus = await newBus({framesOf: () => (decoded++, 1)})
    const topic = freshTopic()
    await bus.publish(topic, 'three frames', {frames: 3})
    await bus.publish(topic, 'counted by framesOf')
    const seen: BusMessage[] = []
    await bus.subscribe(topic, (m) => seen.push(m), {afterStreamId: '0-0'})
    expect(seen.map((m) => m.seq)).toEqual([1, 4])
    expect(decoded).toBe(1)
  })

  it('stores a seq the writer gives as is', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    await bus.publish(topic, 'x', {seq: 41})
    await bus.publish(topic, 'y')
    const seen: BusMessage[] = []
    await bus.subscribe(topic, (m) => seen.push(m), {afterStreamId: '0-0'})
    expect(seen.map((m) => m.seq)).toEqual([41, 42])
  })

  it('resumes strictly after a stream id, delivering the backlog before subscribe resolves, then live entries', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    const ids: string[] = []
    for (let i = 0; i < 10; i++) ids.push((await bus.publish(topic, `r${i}`)).streamId!)
    const seen: BusMessage[] = []
    const sub = await bus.subscribe(topic, (m) => seen.push(m), {afterStreamId: ids[5]!})
    expect(seen.map((m) => m.payload)).toEqual(['r6', 'r7', 'r8', 'r9'])
    await bus.publish(topic, 'live')
    await eventually(() => expect(seen.map((m) => m.payload)).toEqual(['r6', 'r7', 'r8', 'r9', 'live']))
    await sub.close()
  })

  it('without a resume point delivers only entries published after subscribing; fromStart() delivers the retained stream', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    await bus.publish(topic, 'old')
    const live: string[] = []
    const all: string[] = []
    await bus.subscribe(topic, (m) => live.push(m.payload))
    await bus.fromStart().subscribe(topic, (m) => all.push(m.payload))
    expect(all).toEqual(['old'])
    await bus.publish(topic, 'new')
    await eventually(() => expect(live).toEqual(['new']))
    await eventually(() => expect(all).toEqual(['old', 'new']))
  })

  it('finds the resume point for a seq by scanning the stream', async () => {
    const bus = await newBus({framesOf: (p) => (p === 'double' ? 2 : 1)})
    const topic = freshTopic()
    const ids: string[] = []
    for (const p of ['a', 'double', 'b', 'c']) ids.push((await bus.publish(topic, p)).streamId!) // seqs 1, 2-3, 4, 5
    expect(await bus.streamIdAfterSeq(topic, 0)).toBe('0-0')
    expect(await bus.streamIdAfterSeq(topic, 1)).toBe(ids[0])
    expect(await bus.streamIdAfterSeq(topic, 2)).toBe(ids[0]) // frame 3 is in the same entry as 2: deliver it again
    expect(await bus.streamIdAfterSeq(topic, 3)).toBe(ids[1])
    expect(await bus.streamIdAfterSeq(topic, 5)).toBe(ids[3])
    const seen: string[] = []
    await bus.subscribe(topic, (m) => seen.push(m.payload), {afterStreamId: await bus.streamIdAfterSeq(topic, 3)})
    expect(seen).toEqual(['b', 'c'])
  })

  it('two subscribers on two connections both see every entry', async () => {
    const a = await newBus()
    const b = await newBus()
    const topic = freshTopic()
    const seenA: string[] = []
    const seenB: string[] = []
    await a.subscribe(topic, (m) => seenA.push(m.streamId!))
    await b.subscribe(topic, (m) => seenB.push(m.streamId!))
    const ids: string[] = []
    for (let i = 0; i < 30; i++) ids.push((await (i % 2 ? a : b).publish(topic, `p${i}`)).streamId!)
    await eventually(() => {
      expect(seenA).toEqual(ids)
      expect(seenB).toEqual(ids)
    })
  })

  it('trims the stream to about MAXLEN entries', async () => {
    const bus = await newBus({maxlen: 100})
    const topic = freshTopic()
    for (let i = 0; i < 1000; i++) await bus.publish(topic, `t${i}`)
    const length = await bus.client.xlen(streamKeyOf(topic))
    expect(length).toBeGreaterThanOrEqual(100)
    expect(length).toBeLessThan(1000)
    const last = await bus.lastEntry(topic)
    expect(last?.payload).toBe('t999')
    expect(last?.seq).toBe(1000)
  })

  it('skips entries that are not jiminy entries without losing its place', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    const seen: string[] = []
    await bus.subscribe(topic, (m) => seen.push(m.payload))
    await bus.client.xadd(streamKeyOf(topic), '*', 'something', 'else')
    await bus.publish(topic, 'after')
    await eventually(() => expect(seen).toEqual(['after']))
  })

  it('a throwing handler does not stop delivery', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    const seen: string[] = []
    await bus.subscribe(topic, (m) => {
      seen.push(m.payload)
      throw new Error('boom')
    })
    await bus.publish(topic, '1')
    await bus.publish(topic, '2')
    await eventually(() => expect(seen).toEqual(['1', '2']))
  })

  it('rejects a malformed resume id', async () => {
    const bus = await newBus()
    await expect(bus.subscribe(freshTopic(), () => undefined, {afterStreamId: 'nope'})).rejects.toThrow(/stream id/)
  })

  it('fails fast with one clear error when Redis is not there', async () => {
    const port = await freePort()
    const error = await RedisBus.connect(`redis://:hunter2@127.0.0.1:${port}`).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RedisUnavailableError)
    expect((error as Error).message).toMatch(new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127.0.0.1:${port}.*ECONNREFUSED`))
    expect((error as Error).message).not.toContain('hunter2')
  })

  it('publish after close is refused', async () => {
    const bus = await RedisBus.connect(redis.url)
    await bus.close()
    await expect(bus.publish(freshTopic(), 'x')).rejects.toThrow(/closed/)
  })

  it('a raw client sees the documented entry fields', async () => {
    const bus = await newBus()
    const topic = freshTopic()
    const {streamId} = await bus.publish(topic, '{"type":"info"}')
    const raw = new Redis(redis.url)
    const entries = (await raw.xrange(streamKeyOf(topic), '-', '+')) as [string, string[]][]
    raw.disconnect()
    expect(entries[0]![0]).toBe(streamId)
    expect(entries[0]![1].slice(0, 6)).toEqual(['payload', '{"type":"info"}', 'seq', '1', 'next', '2'])
  })
})
