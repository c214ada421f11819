import {describe, expect, it} from 'vitest'
import {chatTopic, MemoryBus, type BusMessage} from '../../src/bus/index.js'
import {decodeEvent, encodeEvent, registerSecret, type Event} from '../../src/core/index.js'
import {StreamCoordinator} from '../../src/sem/index.js'
import {BusSink} from '../../src/conversation/bus-sink.js'
import {ALL_SAMPLE_EVENTS, sampleEvent} from './sample-events.js'

// The memory-mode fast path: the BusSink hands the MemoryBus the event beside its JSON, and the
// StreamCoordinator translates that object instead of decoding + validating the payload. It must
// give the very frames the decoded payload gives.
const framesOf = (messages: BusMessage[], strip: boolean): string[] => {
  const out: string[] = []
  const coordinator = new StreamCoordinator({convId: 'conv_1', onFrame: (f) => out.push(f.json)})
  for (const m of messages) {
    if (strip) {
      const {event: _event, ...rest} = m
      coordinator.consume(rest)
    } else coordinator.consume(m)
  }
  return out
}

async function publishedThroughMemoryBus(events: Event[]): Promise<BusMessage[]> {
  const bus = new MemoryBus()
  const seen: BusMessage[] = []
  await bus.subscribe(chatTopic('conv_1'), (m) => seen.push(m))
  const sink = new BusSink(bus, 'conv_1')
  for (const e of events) sink.publish(e)
  await sink.flush()
  return seen
}

describe('in-process events skip decoding', () => {
  it('every sample event: the object the sink had decodes to the same thing its payload does', () => {
    for (const e of ALL_SAMPLE_EVENTS) {
      const decoded = decodeEvent(encodeEvent(e))
      expect(decoded.ok, e.type).toBe(true)
      expect(JSON.parse(encodeEvent(e)), e.type).toEqual(JSON.parse(encodeEvent((decoded as {event: Event}).event)))
    }
  })

  it('frames from the carried event are byte for byte the frames from decoding the payload', async () => {
    const messages = await publishedThroughMemoryBus(ALL_SAMPLE_EVENTS)
    expect(messages.every((m) => m.event !== undefined)).toBe(true)
    const fast = framesOf(messages, false)
    expect(fast.length).toBeGreaterThan(ALL_SAMPLE_EVENTS.length)
    expect(fast).toEqual(framesOf(messages, true))
  })

  it('an event whose JSON redaction changed travels as its payload only (decoded, redacted)', async () => {
    const secret = 'sk-in-process-secret-123456'
    registerSecret(secret)
    const leaky = {...sampleEvent('partial'), delta: secret, completion: `key ${secret}`} as Event
    const [message] = await publishedThroughMemoryBus([leaky])
    expect(message!.event).toBeUndefined()
    expect(message!.payload).not.toContain(secret)
    expect(framesOf([message!], false).join('')).not.toContain(secret)
  })
})
