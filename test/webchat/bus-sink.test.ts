import {describe, expect, it} from 'vitest'
import {chatTopic, MemoryBus, type BusMessage, type Publisher} from '../../src/bus/index.js'
import {decodeEvent, encodeEvent, type Event} from '../../src/core/index.js'
import {BusSink} from '../../src/conversation/bus-sink.js'
import {ALL_SAMPLE_EVENTS, sampleEvent} from '../sem/sample-events.js'

describe('BusSink', () => {
  it('publishes every event to chat:{conv_id} in order even when the transport resolves out of order', async () => {
    const seen: {topic: string; payload: string}[] = []
    let n = 0
    const slowThenFast: Publisher = {
      publish: (topic, payload) =>
        new Promise((resolve) => {
          seen.push({topic, payload})
          setTimeout(() => resolve({}), n++ % 2 === 0 ? 20 : 1)
        }),
    }
    const sink = new BusSink(slowThenFast, 'conv_1')
    for (const e of ALL_SAMPLE_EVENTS) sink.publish(e)
    expect(sink.pending).toBe(ALL_SAMPLE_EVENTS.length)
    await sink.flush()
    expect(sink.pending).toBe(0)
    expect(seen.map((s) => s.topic)).toEqual(ALL_SAMPLE_EVENTS.map(() => 'chat:conv_1'))
    expect(seen.map((s) => s.payload)).toEqual(ALL_SAMPLE_EVENTS.map(encodeEvent))
  })

  it('stamps the seq of each message’s first frame in single-writer mode, and redacts secrets', async () => {
    const bus = new MemoryBus()
    const got: BusMessage[] = []
    await bus.subscribe(chatTopic('conv_1'), (m) => got.push(m))
    const sink = new BusSink(bus, 'conv_1', {firstSeq: 1})
    const secret: Event = {type: 'error', message: 'bad key sk-abcdefghijklmnopqrstuvwxyz', meta: sampleEvent('error').meta}
    sink.publish(sampleEvent('tool-call-execution-result'))
    sink.publish(sampleEvent('partial-thinking'))
    sink.publish(secret)
    await sink.flush()
    expect(got.map((m) => m.seq)).toEqual([1, 3, 5])
    expect(sink.nextSeq).toBe(6)
    const decoded = decodeEvent(got[2]!.payload)
    expect(decoded.ok && decoded.event.type === 'error' && decoded.event.message).toBe('bad key [redacted]')
  })

  it('reports a transport failure and keeps publishing later events', async () => {
    const errors: unknown[] = []
    const ok: string[] = []
    let first = true
    const flaky: Publisher = {
      publish: async (_t, payload) => {
        if (first) {
          first = false
          throw new Error('down')
        }
        ok.push(payload)
        return {}
      },
    }
    const sink = new BusSink(flaky, 'c', {
      onError: (e) => {
        errors.push(e)
        return undefined
      },
    })
    sink.publish(sampleEvent('start'))
    sink.publish(sampleEvent('final'))
    await sink.flush()
    expect(errors).toHaveLength(1)
    expect(ok).toHaveLength(1)
  })

  it("publishes a refused message again, ahead of every later one, when onError answers 'retry'", async () => {
    const attempts: string[] = []
    const landed: string[] = []
    let failures = 2
    // Like the Redis bus: a refused message fails what was sent behind it too.
    let refusedThisRound = false
    const flaky: Publisher = {
      publish: async (_t, payload) => {
        const type = (JSON.parse(payload) as {type: string}).type
        attempts.push(type)
        if (type === 'error') refusedThisRound = failures-- > 0
        if (refusedThisRound) throw new Error('down')
        landed.push(type)
        return {}
      },
    }
    const sink = new BusSink(flaky, 'c', {onError: () => 'retry'})
    sink.publish(sampleEvent('error'))
    sink.publish(sampleEvent('run-finished'))
    await sink.flush()
    // Round 1 holds the first message alone (sent as soon as it is published), round 2 both.
    expect(attempts).toEqual(['error', 'error', 'run-finished', 'error', 'run-finished'])
    expect(landed).toEqual(['error', 'run-finished'])
    expect(sink.pending).toBe(0)
  })
})

describe('BusSink on a synchronous transport (publishNow, the in-memory bus)', () => {
  it('delivers each event before publish returns, in order, nested publishes included, and counts nothing pending', async () => {
    const bus = new MemoryBus()
    const sink = new BusSink(bus, 'conv_1', {firstSeq: 1})
    const got: BusMessage[] = []
    const final = sampleEvent('final')
    let nested = false
    await bus.subscribe(chatTopic('conv_1'), (m) => {
      got.push(m)
      // A reader that publishes while a message is delivered (a failure guard does): queued behind it.
      if (!nested) {
        nested = true
        sink.publish(final)
        expect(got).toHaveLength(1)
      }
    })
    const events = [sampleEvent('start'), sampleEvent('tool-call-execution-result'), sampleEvent('partial')]
    sink.publish(events[0]!)
    expect(got.map((m) => m.payload)).toEqual([encodeEvent(events[0]!), encodeEvent(final)])
    sink.publish(events[1]!)
    sink.publish(events[2]!)
    expect(sink.pending).toBe(0)
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 5])
    expect(got.map((m) => m.event?.type)).toEqual(['start', 'final', 'tool-call-execution-result', 'partial'])
    await sink.flush()
  })

  it('reports a message the transport refuses and publishes the next ones', async () => {
    const errors: unknown[] = []
    const ok: string[] = []
    let first = true
    const refusing: Publisher = {
      publish: () => Promise.reject(new Error('the async path must not be used')),
      publishNow: (_t, payload) => {
        if (first) {
          first = false
          throw new Error('bus is closed')
        }
        ok.push(payload)
      },
    }
    const sink = new BusSink(refusing, 'c', {
      onError: (e) => {
        errors.push(e)
        return undefined
      },
    })
    const final = sampleEvent('final')
    sink.publish(sampleEvent('start'))
    sink.publish(final)
    expect(errors).toHaveLength(1)
    expect(ok).toEqual([encodeEvent(final)])
    await sink.flush()
  })

  it('a synchronous refusal answered retry takes the async path, and later messages queue behind it', async () => {
    const order: string[] = []
    let refuse = true
    const transport: Publisher = {
      publish: (_t, payload) => {
        order.push(`async ${payload}`)
        return Promise.resolve({})
      },
      publishNow: (_t, payload) => {
        if (refuse) {
          refuse = false
          throw new Error('not now')
        }
        order.push(`now ${payload}`)
      },
    }
    const sink = new BusSink(transport, 'c', {onError: () => 'retry'})
    const [start, final] = [sampleEvent('start'), sampleEvent('final')]
    sink.publish(start)
    sink.publish(final)
    await sink.flush()
    expect(order).toEqual([`async ${encodeEvent(start)}`, `async ${encodeEvent(final)}`])
    sink.publish(start)
    expect(order.at(-1)).toBe(`now ${encodeEvent(start)}`)
  })
})
