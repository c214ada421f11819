import {describe, expect, it} from 'vitest'
import {chatTopic, MemoryBus, type BusMessage, type Publisher} from '../../src/bus/index.js'
import {decodeEvent, encodeEvent, type Event} from '../../src/core/index.js'
import {BusSink} from '../../src/webchat/bus-sink.js'
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
    const sink = new BusSink(flaky, 'c', {onError: (e) => errors.push(e)})
    sink.publish(sampleEvent('start'))
    sink.publish(sampleEvent('final'))
    await sink.flush()
    expect(errors).toHaveLength(1)
    expect(ok).toHaveLength(1)
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
    const sink = new BusSink(refusing, 'c', {onError: (e) => errors.push(e)})
    const final = sampleEvent('final')
    sink.publish(sampleEvent('start'))
    sink.publish(final)
    expect(errors).toHaveLength(1)
    expect(ok).toEqual([encodeEvent(final)])
    await sink.flush()
  })
})
