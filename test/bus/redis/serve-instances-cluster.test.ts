import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Cluster} from 'ioredis'
import {RedisBus, runLockKey, snapshotKey, streamKeyOf, headKeyOf} from '../../../src/bus/redis/index.js'
import {chatTopic} from '../../../src/bus/index.js'
import {rawClient, startRedisCluster, type RedisClusterProcess} from './redis-cluster.js'
import {twoInstanceTests} from './two-instances.js'

// The two-instance tests of serve-instances.test.ts, on a real 3-master Redis Cluster: A gets
// --redis-url redis+cluster://…, B jiminy.yaml's `bus.cluster: [host:port, …]`.
let cluster: RedisClusterProcess

beforeAll(async () => {
  cluster = await startRedisCluster(3)
}, 60_000)

afterAll(async () => {
  await cluster?.dispose()
})

describe('Redis Cluster key layout', () => {
  it("puts every key of a conversation in the conversation's hash slot", async () => {
    const raw = rawClient(cluster.url) as unknown as Cluster
    try {
      for (const id of ['a', 'conv-1', 'x.y:z_9', 'multi-123-4']) {
        const stream = streamKeyOf(chatTopic(id))
        const keys = [stream, headKeyOf(stream), runLockKey(id), snapshotKey(id)]
        const slots = await Promise.all(keys.map((k) => raw.call('CLUSTER', 'KEYSLOT', k)))
        expect(new Set(slots).size, keys.join(' ')).toBe(1)
        expect(slots[0]).toBe(await raw.call('CLUSTER', 'KEYSLOT', id))
      }
    } finally {
      raw.disconnect()
    }
  })

  it('appends, numbers and reads back through the append script on the cluster', async () => {
    const bus = await RedisBus.connect(cluster.url, {framesOf: () => 2})
    try {
      const seen: number[] = []
      const sub = await bus.subscribe(chatTopic('cluster-append'), (m) => seen.push(m.seq ?? -1), {afterStreamId: '0-0'})
      for (let i = 0; i < 5; i++) await bus.publish(chatTopic('cluster-append'), `{"n":${i}}`)
      await expect.poll(() => seen).toEqual([1, 3, 5, 7, 9])
      expect(await bus.lastSeq(chatTopic('cluster-append'))).toBe(10)
      await sub.close()
    } finally {
      await bus.close()
    }
  })
})

describe('two serve instances on a Redis Cluster', () => {
  twoInstanceTests(() => cluster)
})
