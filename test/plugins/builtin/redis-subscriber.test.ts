import {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Event} from '../../../src/core/index.js'
import {builtinCatalog, ResourceScope} from '../../../src/plugins/index.js'
import {RedisEventMirror, redisSubscriberContribution, RedisSubscriberConfigSchema} from '../../../src/plugins/builtin/redis-subscriber.js'
import {startRedis, type RedisProcess} from '../../bus/redis/redis-server.js'

let redis: RedisProcess
const resources = new ResourceScope()
const ctx = (convId: string) => ({profile: 'default', tools: [], convId, env: {}, resources})

beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await resources.close()
  await redis?.dispose()
})

const info = (i: number, message = `event ${i}`): Event => ({
  type: 'info',
  message,
  data: {},
  meta: {id: `evt_${i}`, session_id: 'conv-r', inference_id: 'inf_r', turn_id: 'turn_r'},
})

describe('redis subscriber (built-in plugin)', () => {
  it('is part of the built-in plugin', () => {
    expect(builtinCatalog().subscriber('redis')).toBeDefined()
  })

  it('mirrors every event, in order and with secrets redacted, to jiminy:events:{conv_id}', async () => {
    const config = RedisSubscriberConfigSchema.parse({url: redis.url, maxlen: 100})
    const sink = redisSubscriberContribution.create(config, ctx('conv-r')) as RedisEventMirror
    expect(sink.stream).toBe('jiminy:events:conv-r')
    for (let i = 0; i < 20; i++) sink.publish(info(i, i === 3 ? 'key sk-abcdefghijklmnopqrstuvwxyz123456' : `event ${i}`))
    await sink.flush()
    const raw = new Redis(redis.url)
    const entries = (await raw.xrange('jiminy:events:conv-r', '-', '+')) as [string, string[]][]
    raw.disconnect()
    expect(sink.failures).toBe(0)
    expect(entries).toHaveLength(20)
    const events = entries.map(([, f]) => JSON.parse(f[f.indexOf('event') + 1]!) as {meta: {id: string}; message: string})
    expect(events.map((e) => e.meta.id)).toEqual(Array.from({length: 20}, (_, i) => `evt_${i}`))
    expect(entries[0]![1].slice(0, 2)).toEqual(['type', 'info'])
    expect(JSON.stringify(events)).not.toContain('sk-abcdefghijklmnop')
    expect(events[3]!.message).toContain('[redacted]')
  })

  it('rejects a config that is not a Redis URL, naming the field', () => {
    const parsed = RedisSubscriberConfigSchema.safeParse({url: 'http://nope'})
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['url'])
    expect(RedisSubscriberConfigSchema.safeParse({stream: 'x', extra: 1}).success).toBe(false)
  })

  it('counts failures instead of disturbing the run when Redis is unreachable', async () => {
    const sink = redisSubscriberContribution.create(
      RedisSubscriberConfigSchema.parse({url: 'redis://127.0.0.1:1'}),
      ctx('x'),
    ) as RedisEventMirror
    expect(() => sink.publish(info(1))).not.toThrow()
    await sink.flush()
    expect(sink.failures).toBe(1)
  })
})
