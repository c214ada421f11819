import {describe, expect, it} from 'vitest'
import {EVENT_TYPES, decodeEvent, encodeEvent, type Event, type EventMeta} from '../../src/core/index.js'

const meta: EventMeta = {id: 'evt_1', session_id: 'conv', inference_id: 'inf_1', turn_id: 'turn_1', message_id: 'msg_1', model: 'm'}
const call = {id: 'call_1', name: 'calc', args: {expression: '2+3'}}

const samples: Event[] = [
  {type: 'start', meta},
  {type: 'partial', meta, delta: 'he', completion: 'he'},
  {type: 'partial-thinking', meta, delta: 'hm', completion: 'hm'},
  {type: 'final', meta: {...meta, usage: {input_tokens: 3, output_tokens: 5}, stop_reason: 'stop', duration_ms: 12}, text: 'hello'},
  {type: 'tool-call', meta, tool_call: call},
  {type: 'tool-call-execute', meta, tool_call: call},
  {type: 'tool-result', meta, tool_result: {id: 'call_1', result: {value: 5}}},
  {type: 'tool-call-execution-result', meta, tool_result: {id: 'call_1', result: null, error: 'boom'}},
  {type: 'interrupt', meta, text: 'partial'},
  {type: 'error', meta, message: 'overloaded', code: 'overloaded_error'},
  {type: 'log', meta, level: 'warn', message: 'careful', fields: {a: 1}},
  {type: 'info', meta, message: 'note', data: {b: [1, 2]}},
  {type: 'agent-mode', meta, mode: 'research', message: 'switching', data: {}},
  {type: 'step-paused', meta, pause_id: 'pause_1', phase: 'after_inference', tool_calls: [call], deadline: '2026-01-01T00:00:00.000Z'},
  {type: 'step-resumed', meta, pause_id: 'pause_1', action: 'deny', timed_out: false},
  {type: 'user-prompt', meta, text: 'what is 2+3?', block_id: 'blk_1'},
  {type: 'thinking-ended', meta, text: 'hm'},
  {type: 'conversation-rebuilt', meta, record: {reason: 'request: system_prompt changed'}},
  {
    type: 'run-finished',
    meta,
    status: 'completed',
    stop_reason: 'stop',
    usage: {input_tokens: 3, output_tokens: 5},
    duration_ms: 40,
    timeline: {
      total_ms: 40,
      inferences: [
        {message_id: 'msg_1', model: 'm', start_ms: 1, first_token_ms: 4, duration_ms: 20, output_tokens: 5, tokens_per_s: 312.5},
      ],
      tools: [{id: 'call_1', name: 'calc', start_ms: 22, duration_ms: 2}],
      pauses: [{pause_id: 'pause_1', phase: 'after_inference', start_ms: 21, wait_ms: 1, action: 'continue', timed_out: false}],
    },
  },
  {type: 'answer-revised', meta, text: 'HELLO', by: ['shout']},
  {
    type: 'middleware-trace',
    meta,
    calls: [
      {
        name: 'shout',
        depth: 0,
        round: 1,
        start_ms: 0,
        duration_ms: 21,
        self_ms: 0.3,
        request: {added: [], removed: [], changed: [], reordered: false},
        response: {
          added: [],
          removed: [],
          changed: [{id: 'blk_2', kind: 'llm_text', role: 'assistant', text: 'HELLO', before: 'hello'}],
          reordered: false,
        },
      },
    ],
  },
]

describe('event codec', () => {
  it('has a sample for every event type', () => {
    expect(new Set(samples.map((s) => s.type))).toEqual(new Set(EVENT_TYPES))
  })

  it.each(samples.map((s) => [s.type, s] as const))('round-trips %s exactly', (_type, event) => {
    const text = encodeEvent(event)
    const decoded = decodeEvent(text)
    expect(decoded).toEqual({ok: true, event})
    if (decoded.ok) expect(encodeEvent(decoded.event)).toBe(text)
  })

  it('rejects malformed JSON with a typed error', () => {
    const r = decodeEvent('{"type": "start", ')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.kind).toBe('invalid-json')
  })

  it.each([
    ['unknown type', {type: 'nope', meta}],
    ['missing meta', {type: 'start'}],
    ['wrong field type', {type: 'partial', meta, delta: 1, completion: 'x'}],
    ['bad meta id', {type: 'start', meta: {...meta, id: ''}}],
    ['not an object', 42],
    ['null', null],
  ])('rejects %s as invalid-event naming the path', (_name, value) => {
    const r = decodeEvent(JSON.stringify(value))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.kind).toBe('invalid-event')
      expect(r.error.message.length).toBeGreaterThan(0)
    }
  })

  it('names the field that is wrong', () => {
    const r = decodeEvent({type: 'partial', meta, delta: 'x'})
    expect(r.ok || r.error.message).toMatch(/completion/)
  })
})
