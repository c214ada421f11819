import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {chatTopic, type BusMessage} from '../../../src/bus/index.js'
import {RedisBus} from '../../../src/bus/redis/index.js'
import {StreamCoordinator} from '../../../src/sem/stream-coordinator.js'
import {replayAfterStreamId, type StreamHistory} from '../../../src/webchat/stream-replay.js'
import {startRedis, type RedisProcess} from './redis-server.js'

let redis: RedisProcess
let bus: RedisBus
let n = 0

beforeAll(async () => {
  redis = await startRedis()
  bus = await RedisBus.connect(redis.url)
})
afterAll(async () => {
  await bus?.close()
  await redis?.dispose()
})

/** Publishes `count` messages to a fresh conversation; returns its id and the messages as a reader gets them. */
async function conversation(count: number): Promise<{convId: string; messages: BusMessage[]}> {
  const convId = `replay-${process.pid}-${++n}`
  for (let i = 1; i <= count; i++) await bus.publish(chatTopic(convId), `message ${i}`)
  return {convId, messages: (await bus.readAfter(chatTopic(convId), '0')).messages}
}

describe('replayAfterStreamId', () => {
  it('live frames that arrive while the stream is read are sent once, after the replay', async () => {
    const {convId, messages} = await conversation(5)
    const coordinator = new StreamCoordinator({convId})
    coordinator.consume(messages[0]!)
    coordinator.consume(messages[1]!)
    // While the stream is read, this instance's reader moves on over the same entries.
    const history: StreamHistory = {
      readAfter: async (topic, after) => {
        const read = await bus.readAfter(topic, after)
        for (const m of messages.slice(2)) coordinator.consume(m)
        return read
      },
    }
    const replay = await replayAfterStreamId(history, coordinator, messages[0]!.streamId!, 1000)
    await bus.publish(chatTopic(convId), 'message 6')
    const [live] = (await bus.readAfter(chatTopic(convId), messages[4]!.streamId!)).messages
    coordinator.consume(live!)
    const frames = replay.take()
    expect(replay.afterSeq).toBe(1)
    expect(frames.map((f) => f.seq)).toEqual([2, 3, 4, 5, 6])
    // After take, frames reach the socket through the pool only.
    expect(coordinator.lastSeq).toBe(6)
  })

  it('waits (bounded) for a reader that lags behind the stream, so the pool does not send replayed frames again', async () => {
    const {convId, messages} = await conversation(4)
    const coordinator = new StreamCoordinator({convId})
    coordinator.consume(messages[0]!)
    const history: StreamHistory = {
      readAfter: async (topic, after) => {
        const read = await bus.readAfter(topic, after)
        setTimeout(() => {
          for (const m of messages.slice(1)) coordinator.consume(m)
        }, 100)
        return read
      },
    }
    const replay = await replayAfterStreamId(history, coordinator, '0', 5000)
    // Resolved only once the reader caught up: every later frame the pool sends is after the replay.
    expect(coordinator.lastSeq).toBe(4)
    expect(replay.take().map((f) => f.seq)).toEqual([1, 2, 3, 4])
  })

  it('says when entries after the id were trimmed away', async () => {
    const convId = `replay-${process.pid}-${++n}`
    const small = await RedisBus.connect(redis.url, {maxlen: 10})
    try {
      const first = (await small.publish(chatTopic(convId), 'first')).streamId!
      for (let i = 0; i < 300; i++) await small.publish(chatTopic(convId), `m${i}`)
      const read = await small.readAfter(chatTopic(convId), first)
      expect(read.truncated).toBe(true)
      expect(read.messages.length).toBeLessThan(300)
      const last = read.messages.at(-1)!
      const fromMiddle = await small.readAfter(chatTopic(convId), read.messages.at(-3)!.streamId!)
      expect(fromMiddle).toMatchObject({truncated: false, afterNext: last.seq! - 1})
      expect(fromMiddle.messages.map((m) => m.payload)).toEqual(['m298', 'm299'])
    } finally {
      await small.close()
    }
  })
})
