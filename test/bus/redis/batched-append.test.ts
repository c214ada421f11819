import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {chatTopic} from '../../../src/bus/index.js'
import {BusUnavailableError, RedisBus, streamKeyOf} from '../../../src/bus/redis/index.js'
import {appendCommand, type AppendBatch} from '../../../src/bus/redis/append-script.js'
import {TopicWriter, type TopicWriterOptions} from '../../../src/bus/redis/topic-writer.js'
import {startRedis, type RedisProcess} from './redis-server.js'

// The batched writer (one append-script call for every publish waiting on a topic) against the
// reference: the same publishes awaited one by one. Same entries, same order, same seqs.
let redis: RedisProcess
let bus: RedisBus
let n = 0
const freshTopic = () => chatTopic(`batch-${process.pid}-${++n}`)
const framesOf = (payload: string): number => (payload.startsWith('two') ? 2 : 1)

beforeAll(async () => {
  redis = await startRedis()
  bus = await RedisBus.connect(redis.url, {framesOf, blockMs: 1000})
})
afterAll(async () => {
  await bus?.close()
  await redis?.dispose()
})

async function entries(topic: string): Promise<[string, string, string][]> {
  const raw = (await bus.client.xrange(streamKeyOf(topic), '-', '+')) as [string, string[]][]
  return raw.map(([, f]) => [f[f.indexOf('payload') + 1]!, f[f.indexOf('seq') + 1]!, f[f.indexOf('next') + 1]!])
}

async function scriptCalls(): Promise<number> {
  const info = await bus.client.info('commandstats')
  return [...info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0)
}

describe('batched appends', () => {
  it('publishes made together go in few script calls, with the entries and seqs of one-by-one publishes', async () => {
    const payloads = Array.from({length: 600}, (_, i) => (i % 3 === 0 ? `two-${i}` : `one-${i}`))
    const reference = freshTopic()
    for (const p of payloads) await bus.publish(reference, p)
    const batched = freshTopic()
    const before = await scriptCalls()
    const ids = await Promise.all(payloads.map((p) => bus.publish(batched, p)))
    const calls = (await scriptCalls()) - before
    expect(calls).toBeGreaterThan(0)
    expect(calls).toBeLessThan(payloads.length / 10)
    expect(await entries(batched)).toEqual(await entries(reference))
    // Each publish resolves with its own entry's id, in order.
    const raw = (await bus.client.xrange(streamKeyOf(batched), '-', '+')) as [string, string[]][]
    expect(ids.map((r) => r.streamId)).toEqual(raw.map(([id]) => id))
  })

  it('a batch sent again with the same publish id (its reply was lost) is not appended twice', async () => {
    const topic = freshTopic()
    const append = appendCommand(bus.writer)
    const batch: AppendBatch = {
      key: streamKeyOf(topic),
      maxlen: 1000,
      floor: 1,
      publishId: 'retry-test:1',
      entries: [
        {payload: 'one-a', frames: 1, seq: undefined},
        {payload: 'two-b', frames: 2, seq: undefined},
      ],
    }
    const first = await append(batch)
    const again = await append(batch)
    expect(again).toEqual(first)
    expect(first.map((r) => r.seq)).toEqual([1, 2])
    expect(await entries(topic)).toEqual([
      ['one-a', '1', '2'],
      ['two-b', '2', '4'],
    ])
    await append({...batch, publishId: 'retry-test:2', entries: [{payload: 'one-c', frames: 1, seq: undefined}]})
    expect((await entries(topic)).map(([p, seq]) => [p, seq])).toEqual([
      ['one-a', '1'],
      ['two-b', '2'],
      ['one-c', '4'],
    ])
  })
})

describe('TopicWriter', () => {
  function writer(append: TopicWriterOptions['append']): TopicWriter {
    let id = 0
    return new TopicWriter({
      topic: 't',
      key: 't',
      maxlen: 100,
      publishTimeoutMs: 100,
      append,
      nextPublishId: () => `p${++id}`,
      floor: () => 1,
      noteNext: () => undefined,
      connectionStatus: () => 'reconnecting',
      closed: () => false,
    })
  }

  it('a batch that fails for good fails every publish queued behind it; later publishes start afresh', async () => {
    let down = true
    const sent: string[][] = []
    const w = writer(async (batch) => {
      sent.push(batch.entries.map((e) => e.payload))
      if (down) throw new Error('connection is closed')
      return batch.entries.map((_, i) => ({id: `${sent.length}-${i}`, seq: undefined}))
    })
    const first = w.publish('a', 1, undefined)
    await Promise.resolve() // 'a' is on its way alone; 'b' and 'c' queue behind it
    const behind = [w.publish('b', 1, undefined), w.publish('c', 1, undefined)]
    await expect(first).rejects.toBeInstanceOf(BusUnavailableError)
    for (const p of behind) await expect(p).rejects.toBeInstanceOf(BusUnavailableError)
    // Only 'a' was ever sent (retried until its window passed): nothing behind it could land first.
    expect(new Set(sent.flat())).toEqual(new Set(['a']))
    down = false
    await expect(w.publish('d', 1, undefined)).resolves.toMatch(/-0$/)
    expect(sent.at(-1)).toEqual(['d'])
  })
})
