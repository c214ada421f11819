import {describe, expect, it} from 'vitest'
import {chatTopic, MemoryBus} from '../../src/bus/index.js'
import {encodeEvent} from '../../src/core/index.js'
import type {BuiltFrame} from '../../src/sem/frames.js'
import {loggedFrameOf} from '../../src/sem/frame-log.js'
import {StreamCoordinator, type CoordinatorProblem} from '../../src/sem/stream-coordinator.js'
import {ALL_SAMPLE_EVENTS, sampleEvent} from './sample-events.js'

const msg = (payload: string, extra: {streamId?: string; seq?: number} = {}) => ({topic: chatTopic('conv_1'), payload, ...extra})

describe('StreamCoordinator', () => {
  it('numbers frames from 1, +1 per frame, across every event type, and logs them', () => {
    const out: BuiltFrame[] = []
    const c = new StreamCoordinator({convId: 'conv_1', onFrame: (f) => out.push(f)})
    for (const e of ALL_SAMPLE_EVENTS) c.consume(msg(encodeEvent(e)))
    expect(out.map((f) => f.seq)).toEqual(out.map((_, i) => i + 1))
    expect(out.map((f) => JSON.parse(f.json).event.seq)).toEqual(out.map((_, i) => i + 1))
    expect(c.lastSeq).toBe(out.length)
    expect(c.log?.since(0).frames).toEqual(out.map(loggedFrameOf))
  })

  it('writes stream_id from the transport and uses the seq the writer stored; drops redeliveries', () => {
    const problems: CoordinatorProblem[] = []
    const c = new StreamCoordinator({convId: 'conv_1', onProblem: (p) => problems.push(p)})
    const result = encodeEvent(sampleEvent('tool-call-execution-result'))
    const a = c.consume(msg(result, {streamId: '5-0', seq: 10}))
    expect(a.map((f) => [f.seq, f.frame.event.stream_id])).toEqual([
      [10, '5-0'],
      [11, '5-0'],
    ])
    expect(c.consume(msg(result, {streamId: '5-0', seq: 10}))).toEqual([])
    expect(c.consume(msg(encodeEvent(sampleEvent('start')), {streamId: '6-0'}))[0]!.seq).toBe(12)
    expect(problems.map((p) => p.kind)).toEqual(['gap', 'duplicate'])
  })

  it('turns an undecodable payload into an error log frame and keeps going', () => {
    const problems: CoordinatorProblem[] = []
    const c = new StreamCoordinator({convId: 'conv_1', frameLog: false, onProblem: (p) => problems.push(p)})
    const bad = c.consume(msg('{not json'))
    expect(bad).toHaveLength(1)
    expect(bad[0]!.frame.event).toMatchObject({type: 'log', level: 'error', seq: 1})
    expect(c.consume(msg(JSON.stringify({type: 'nope'})))[0]!.frame.event).toMatchObject({type: 'log', seq: 2})
    expect(c.consume(msg(encodeEvent(sampleEvent('partial'))))[0]!.frame.event).toMatchObject({type: 'llm.delta', seq: 3})
    expect(problems).toHaveLength(2)
    expect(c.log).toBeUndefined()
  })

  it('subscribes to chat:{conv_id} on a bus and isolates a throwing listener', async () => {
    const bus = new MemoryBus()
    const seen: number[] = []
    const c = new StreamCoordinator({convId: 'conv_1'})
    c.onFrame(() => {
      throw new Error('listener bug')
    })
    const off = c.onFrame((f) => seen.push(f.seq))
    await c.start(bus)
    await bus.publish(chatTopic('conv_1'), encodeEvent(sampleEvent('start')))
    await bus.publish(chatTopic('other'), encodeEvent(sampleEvent('start')))
    off()
    await bus.publish(chatTopic('conv_1'), encodeEvent(sampleEvent('final')))
    expect(seen).toEqual([1])
    expect(c.lastSeq).toBe(2)
    await c.stop()
    await bus.publish(chatTopic('conv_1'), encodeEvent(sampleEvent('final')))
    expect(c.lastSeq).toBe(2)
  })
})
