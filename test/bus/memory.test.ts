import {describe, expect, it} from 'vitest'
import {chatTopic, MemoryBus, type BusMessage} from '../../src/bus/index.js'

describe('MemoryBus', () => {
  it('delivers each message to every subscriber of the topic, in publish order', async () => {
    const bus = new MemoryBus()
    const a: BusMessage[] = []
    const b: string[] = []
    await bus.subscribe(chatTopic('c1'), (m) => a.push(m))
    await bus.subscribe(chatTopic('c1'), (m) => b.push(m.payload))
    await bus.subscribe(chatTopic('c2'), () => b.push('wrong topic'))
    await Promise.all(['1', '2', '3'].map((p) => bus.publish(chatTopic('c1'), p)))
    expect(a.map((m) => m.payload)).toEqual(['1', '2', '3'])
    expect(a[0]).toEqual({topic: 'chat:c1', payload: '1'})
    expect(b).toEqual(['1', '2', '3'])
    await bus.close()
  })

  it('queues a publish made inside a handler behind the message being delivered', async () => {
    const bus = new MemoryBus()
    const seen: string[][] = [[], []]
    await bus.subscribe('t', (m) => {
      seen[0]!.push(m.payload)
      if (m.payload === 'first') void bus.publish('t', 'nested')
    })
    await bus.subscribe('t', (m) => seen[1]!.push(m.payload))
    await bus.publish('t', 'first')
    await bus.publish('t', 'second')
    expect(seen[0]).toEqual(['first', 'nested', 'second'])
    expect(seen[1]).toEqual(['first', 'nested', 'second'])
  })

  it('keeps delivering when a handler throws, carries seq, and stops after close()', async () => {
    const bus = new MemoryBus()
    const got: BusMessage[] = []
    await bus.subscribe('t', () => {
      throw new Error('broken subscriber')
    })
    const sub = await bus.subscribe('t', (m) => got.push(m))
    await bus.publish('t', 'x', {seq: 5})
    expect(got).toEqual([{topic: 't', payload: 'x', seq: 5}])
    await sub.close()
    await bus.publish('t', 'y')
    expect(got).toHaveLength(1)
    expect(bus.subscriberCount('t')).toBe(1)
    await bus.close()
    await expect(bus.publish('t', 'z')).rejects.toThrow(/closed/)
  })
})
