import {afterEach, describe, expect, it, vi} from 'vitest'
import {FrameLog} from '../../src/sem/frame-log.js'
import {buildFrame, SEM_FRAME_TYPES, type BuiltFrame, type FrameCursor, type SemFrameBody} from '../../src/sem/frames.js'
import {StreamCoordinator} from '../../src/sem/stream-coordinator.js'
import {translateEvent} from '../../src/sem/translator.js'
import {ALL_SAMPLE_EVENTS} from './sample-events.js'

// A built frame's text is made on the first read of `json` and kept: it must be the text an eager
// `JSON.stringify(frame)` gives, for every frame type, and be made once however often it is read.

const bodies: SemFrameBody[] = ALL_SAMPLE_EVENTS.flatMap((e) => translateEvent(e))
const cursors: FrameCursor[] = [{seq: 1}, {seq: 42, stream_id: '1700000000000-3'}]

afterEach(() => {
  vi.restoreAllMocks()
})

describe('BuiltFrame.json (made on first read)', () => {
  it('is JSON.stringify of the frame object for every frame of every sample event, with and without a stream id', () => {
    expect(bodies.length).toBeGreaterThan(ALL_SAMPLE_EVENTS.length / 2)
    // The sample events reach most frame types; the rest are made directly.
    const seen = new Set(bodies.map((b) => b.type))
    const extra: SemFrameBody[] = [
      {type: 'llm.delta', id: 'msg_1', conv_id: 'conv_1', inference_id: 'inf_1', delta: 'a"\n', cumulative: 'a"\n', metadata: {model: 'm'}},
      {type: 'tool.delta', id: 'call_1', conv_id: 'conv_1', patch: {a: 1}},
      {type: 'run.cancelled', id: 'r', conv_id: 'conv_1', text: 'x', message_id: 'msg_1'},
    ]
    for (const body of [...bodies, ...extra]) {
      seen.add(body.type)
      for (const cursor of cursors) {
        const built = buildFrame(body, cursor)
        const want = JSON.stringify(built.frame)
        expect(built.json, `${body.type} ${JSON.stringify(cursor)}`).toBe(want)
        expect(JSON.parse(built.json)).toEqual({sem: true, event: {...body, ...cursor}})
        expect([built.seq, built.type]).toEqual([cursor.seq, body.type])
      }
    }
    expect(SEM_FRAME_TYPES.filter((t) => !seen.has(t))).toEqual([])
  })

  it('is not made until read, then made once: later reads do no serializing', () => {
    const stringify = vi.spyOn(JSON, 'stringify')
    for (const body of bodies) {
      const built = buildFrame(body, {seq: 3, stream_id: '1-0'})
      stringify.mockClear()
      const before = stringify.mock.calls.length
      expect(before).toBe(0)
      const first = built.json
      const afterFirst = stringify.mock.calls.length
      expect(afterFirst, body.type).toBeGreaterThan(0)
      for (let i = 0; i < 3; i++) expect(built.json).toBe(first)
      expect(stringify.mock.calls.length, body.type).toBe(afterFirst)
    }
  })

  it('building a frame serializes nothing', () => {
    const stringify = vi.spyOn(JSON, 'stringify')
    for (const body of bodies) buildFrame(body, {seq: 1})
    expect(stringify).not.toHaveBeenCalled()
  })

  it('gives the log, the listeners and the returned frame the one text, made once per frame (the server path)', () => {
    const log = new FrameLog()
    const heard: string[] = []
    const coordinator = new StreamCoordinator({convId: 'conv_1', frameLog: log, onFrame: (f) => heard.push(f.json)})
    const second: string[] = []
    coordinator.onFrame((f) => second.push(f.json))
    const stringify = vi.spyOn(JSON, 'stringify')
    const frames: BuiltFrame[] = []
    let calls = 0
    for (const event of ALL_SAMPLE_EVENTS) {
      for (const f of coordinator.consume({topic: 'chat:conv_1', payload: '', event})) {
        frames.push(f)
        // Read again after the log and both listeners had it: nothing more is serialized.
        calls = stringify.mock.calls.length
        expect(f.json).toBe(log.since(f.seq - 1).frames[0]?.json)
        expect(stringify.mock.calls.length).toBe(calls)
      }
    }
    expect(frames.length).toBeGreaterThan(0)
    expect(heard).toEqual(frames.map((f) => f.json))
    expect(second).toEqual(heard)
    expect(log.since(0).frames.map((f) => f.json)).toEqual(heard)
    expect(heard).toEqual(frames.map((f) => JSON.stringify(f.frame)))
  })

  it('a coordinator with no log and no listener serializes no frame (fixture replay without a golden file)', () => {
    const coordinator = new StreamCoordinator({convId: 'conv_1', frameLog: false})
    const stringify = vi.spyOn(JSON, 'stringify')
    let n = 0
    for (const event of ALL_SAMPLE_EVENTS) n += coordinator.consume({topic: 'chat:conv_1', payload: '', event}).length
    expect(n).toBeGreaterThan(0)
    expect(stringify).not.toHaveBeenCalled()
  })
})
