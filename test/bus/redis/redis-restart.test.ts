import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {chatTopic, type BusMessage} from '../../../src/bus/index.js'
import {RedisBus} from '../../../src/bus/redis/index.js'
import {eventually, startRedis, type RedisProcess} from './redis-server.js'

let redis: RedisProcess
const buses: RedisBus[] = []

beforeAll(async () => {
  redis = await startRedis({appendOnly: true})
})
afterAll(async () => {
  await Promise.all(buses.map((b) => b.close()))
  await redis?.dispose()
})

describe('RedisBus across a Redis restart', () => {
  it('publishes retry until Redis is back, readers resume from their last id: every entry once, in order', async () => {
    const errors: string[] = []
    const writer = await RedisBus.connect(redis.url, {blockMs: 500, onError: (_e, where) => errors.push(where)})
    const reader = await RedisBus.connect(redis.url, {blockMs: 500})
    buses.push(writer, reader)
    const topic = chatTopic('restart')
    const seen: BusMessage[] = []
    await reader.subscribe(topic, (m) => seen.push(m))

    const publishes: Promise<unknown>[] = []
    for (let i = 0; i < 20; i++) publishes.push(writer.publish(topic, `before-${i}`))
    await Promise.all(publishes)
    await eventually(() => expect(seen).toHaveLength(20))

    await redis.stop('SIGKILL')
    // Published while Redis is down: they wait and go out, in order, once it is back.
    const during = Array.from({length: 10}, (_, i) => writer.publish(topic, `during-${i}`))
    await new Promise((r) => setTimeout(r, 300))
    await redis.restart()
    await Promise.all(during)
    for (let i = 0; i < 10; i++) await writer.publish(topic, `after-${i}`)

    const expected = [
      ...Array.from({length: 20}, (_, i) => `before-${i}`),
      ...Array.from({length: 10}, (_, i) => `during-${i}`),
      ...Array.from({length: 10}, (_, i) => `after-${i}`),
    ]
    await eventually(() => expect(seen.map((m) => m.payload)).toEqual(expected), 15_000)
    expect(seen.map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1))
    expect(new Set(seen.map((m) => m.streamId)).size).toBe(expected.length)
    expect(errors.length).toBeGreaterThan(0)
  })
})
