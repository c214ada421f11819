import {describe, expect, it} from 'vitest'
import type {Event} from '../../src/core/index.js'
import {buildDeltaFrame} from '../../src/sem/delta-frame.js'
import {buildFrame, type FrameCursor, type SemFrameBody} from '../../src/sem/frames.js'
import {translateEvent} from '../../src/sem/translator.js'
import {rng} from '../seeded-rng.js'

// The llm.delta template must be the generic path byte for byte: `JSON.stringify` of the frame
// object `{sem: true, event: {...body, seq[, stream_id]}}`, and the same object, keys in the same order.
const reference = (body: SemFrameBody, cursor: FrameCursor) => {
  const event = cursor.stream_id !== undefined ? {...body, seq: cursor.seq, stream_id: cursor.stream_id} : {...body, seq: cursor.seq}
  const frame = {sem: true, event}
  return {frame, json: JSON.stringify(frame)}
}

const PIECES = [
  'tok ',
  'word',
  ' ',
  '"',
  '\\',
  '\\"',
  '/',
  '\n',
  '\r\n',
  '\t',
  '\b\f',
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u2028',
  '\u2029',
  '\ud800',
  '\udfff',
  '\udbff\udfff',
  '\udc00\ud800',
  '🎉',
  '👩‍👩‍👧',
  'é',
  'e\u0301',
  '漢字',
  'ﷺ',
  '\ufeff',
  '</script>',
  '{"sem":true}',
  '${x}',
]

function randomString(next: () => number): string {
  const r = next()
  if (r < 0.05) return ''
  // Now and then a long one: a cumulative text far into an answer.
  const n = r > 0.97 ? 2000 + Math.floor(next() * 4000) : Math.floor(next() * 12)
  let out = ''
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(next() * PIECES.length)]!
  return out
}

function randomMeta(next: () => number): Partial<Pick<Event['meta'], 'model' | 'usage' | 'duration_ms' | 'stop_reason'>> {
  return {
    ...(next() < 0.5 ? {model: randomString(next) || 'mock-1'} : {}),
    ...(next() < 0.2 ? {usage: {input_tokens: 3, output_tokens: Math.floor(next() * 100), raw: {note: randomString(next)}}} : {}),
    ...(next() < 0.2 ? {duration_ms: Math.floor(next() * 1e6) / 7} : {}),
    ...(next() < 0.1 ? {stop_reason: randomString(next)} : {}),
  }
}

function randomPartial(next: () => number, i: number): Event {
  const delta = randomString(next)
  return {
    type: 'partial',
    delta,
    completion: next() < 0.2 ? delta : randomString(next) + delta,
    meta: {
      id: `evt_${i}`,
      session_id: next() < 0.9 ? 'conv_1' : randomString(next),
      inference_id: next() < 0.9 ? 'inf_1' : randomString(next),
      turn_id: 'turn_1',
      ...(next() < 0.9 ? {message_id: next() < 0.8 ? 'msg_1' : randomString(next)} : {}),
      ...randomMeta(next),
    },
  }
}

const randomCursor = (next: () => number, i: number): FrameCursor =>
  next() < 0.5 ? {seq: i + 1} : {seq: Math.floor(next() * 2 ** 40), stream_id: next() < 0.9 ? `1700000000000-${i}` : randomString(next)}

describe('buildDeltaFrame (the llm.delta template)', () => {
  it('gives the generic path’s text byte for byte and the same object, for 20,000 generated deltas', () => {
    const next = rng(14)
    for (let i = 0; i < 20_000; i++) {
      const [body] = translateEvent(randomPartial(next, i))
      const cursor = randomCursor(next, i)
      const want = reference(body!, cursor)
      const fast = buildDeltaFrame(body as Extract<SemFrameBody, {type: 'llm.delta'}>, cursor)
      expect(fast, `case ${i}`).toBeDefined()
      if (fast!.json !== want.json) expect(fast!.json, `case ${i}`).toBe(want.json)
      // The object serializes to the same text (values and key order); deep-compared now and then (slow).
      if (JSON.stringify(fast!.frame) !== want.json) expect(JSON.stringify(fast!.frame), `case ${i}`).toBe(want.json)
      if (i % 50 === 0) expect(fast!.frame).toEqual(want.frame)
      expect([fast!.seq, fast!.type]).toEqual([cursor.seq, 'llm.delta'])
      // And buildFrame takes it.
      expect(buildFrame(body!, cursor).json).toBe(want.json)
    }
  })

  it('leaves a body not shaped as the translator makes it to the generic path, which still gives the reference text', () => {
    const base = {
      type: 'llm.delta',
      id: 'msg_1',
      conv_id: 'conv_1',
      inference_id: 'inf_1',
      delta: 'a',
      cumulative: 'a',
      metadata: {model: 'm'},
    } as const
    const {inference_id: _dropped, ...noInference} = base
    const odd: unknown[] = [
      {...base, extra: 1},
      {...noInference, inference_id: 'inf_1'},
      {...base, metadata: undefined},
      {...base, delta: undefined},
      {...base, inference_id: undefined},
      {...base, seq: 99},
      noInference,
    ]
    for (const body of odd) {
      const b = body as Extract<SemFrameBody, {type: 'llm.delta'}>
      expect(buildDeltaFrame(b, {seq: 1}), JSON.stringify(body)).toBeUndefined()
      expect(buildFrame(b, {seq: 1}).json).toBe(reference(b, {seq: 1}).json)
      expect(buildFrame(b, {seq: 2, stream_id: '1-0'}).json).toBe(reference(b, {seq: 2, stream_id: '1-0'}).json)
    }
    expect(buildDeltaFrame(base, {seq: 1.5})).toBeUndefined()
  })
})
