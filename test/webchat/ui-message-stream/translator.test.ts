import {uiMessageChunkSchema} from 'ai'
import {describe, expect, it} from 'vitest'
import {EVENT_TYPES, type Event, type EventType} from '../../../src/core/index.js'
import {approvalIdOf, toUIMessageChunks, type TranslationContext} from '../../../src/webchat/ui-message-stream/translator.js'
import type {UIMessageChunk} from '../../../src/webchat/ui-message-stream/ui-message-chunk.js'

const meta = (extra: Partial<Event['meta']> = {}): Event['meta'] => ({
  id: 'evt_1',
  session_id: 'conv-1',
  inference_id: 'inf_1',
  turn_id: 'turn_1',
  message_id: 'msg_1',
  ...extra,
})
const call = {id: 'call_1', name: 'calc', args: {expression: '2+3'}}
const paused = {phase: 'after_inference' as const, tool_calls: [call]}
const context: TranslationContext = {pause: (id) => (id === 'pause_1' ? paused : undefined)}

/** One event of every type in the union (a new type fails here until it is translated on purpose). */
const SAMPLES: Record<EventType, Event[]> = {
  start: [{type: 'start', meta: meta({model: 'mock-1'})}],
  partial: [
    {type: 'partial', meta: meta(), delta: 'Hi', completion: 'Hi'},
    {type: 'partial', meta: meta(), delta: ' there', completion: 'Hi there'},
  ],
  'partial-thinking': [
    {type: 'partial-thinking', meta: meta(), delta: 'Hm', completion: 'Hm'},
    {type: 'partial-thinking', meta: meta(), delta: '.', completion: 'Hm.'},
  ],
  'thinking-ended': [{type: 'thinking-ended', meta: meta(), text: 'Hm.'}],
  final: [
    {type: 'final', meta: meta({stop_reason: 'stop'}), text: 'Hi there'},
    {type: 'final', meta: meta(), text: ''},
  ],
  'answer-revised': [{type: 'answer-revised', meta: meta(), text: 'HI THERE', by: ['shout']}],
  'middleware-trace': [{type: 'middleware-trace', meta: meta(), calls: []}],
  'tool-call': [{type: 'tool-call', meta: meta({message_id: call.id}), tool_call: call}],
  'tool-call-execute': [{type: 'tool-call-execute', meta: meta({message_id: call.id}), tool_call: call}],
  'tool-result': [{type: 'tool-result', meta: meta(), tool_result: {id: call.id, result: {value: 5}}}],
  'tool-call-execution-result': [
    {type: 'tool-call-execution-result', meta: meta(), tool_result: {id: call.id, result: null, error: 'timed out'}},
  ],
  interrupt: [
    {type: 'interrupt', meta: meta(), text: 'Hi'},
    {type: 'interrupt', meta: meta({message_id: undefined}), text: ''},
  ],
  error: [
    {type: 'error', meta: meta(), message: 'overloaded', code: 'overloaded_error', text: 'Hi'},
    {type: 'error', meta: meta({message_id: undefined}), message: 'bad'},
  ],
  log: [{type: 'log', meta: meta(), level: 'info', message: 'hello', fields: {}}],
  info: [{type: 'info', meta: meta(), message: 'max_iterations reached', data: {}}],
  'agent-mode': [{type: 'agent-mode', meta: meta(), mode: 'research', message: 'switching', data: {from: 'chat', to: 'research'}}],
  'step-paused': [
    {
      type: 'step-paused',
      meta: meta(),
      pause_id: 'pause_1',
      phase: 'after_inference',
      tool_calls: [call],
      deadline: '2026-01-01T00:00:00Z',
    },
    {type: 'step-paused', meta: meta(), pause_id: 'pause_2', phase: 'after_tools', tool_calls: [call], deadline: '2026-01-01T00:00:00Z'},
  ],
  'step-resumed': [
    {type: 'step-resumed', meta: meta(), pause_id: 'pause_1', action: 'continue', timed_out: false},
    {type: 'step-resumed', meta: meta(), pause_id: 'pause_1', action: 'deny', timed_out: false},
    {type: 'step-resumed', meta: meta(), pause_id: 'pause_1', action: 'skip', timed_out: false},
  ],
  'user-prompt': [{type: 'user-prompt', meta: meta(), text: 'hi', block_id: 'blk_1'}],
  'conversation-rebuilt': [{type: 'conversation-rebuilt', meta: meta(), record: {}}],
  'run-finished': [
    {type: 'run-finished', meta: meta(), status: 'completed', stop_reason: 'tool_calls', usage: {input_tokens: 3}, duration_ms: 12},
    {type: 'run-finished', meta: meta(), status: 'failed', duration_ms: 12},
    {type: 'run-finished', meta: meta(), status: 'cancelled', duration_ms: 12},
  ],
}

const all = (type: EventType): UIMessageChunk[][] => SAMPLES[type].map((e) => toUIMessageChunks(e, context))

describe('toUIMessageChunks', () => {
  it('has a sample of every event type', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...EVENT_TYPES].sort())
  })

  it("makes only chunks the SDK's own schema accepts", async () => {
    const schema = uiMessageChunkSchema()
    // The check can fail: a chunk with a wrong field is refused.
    expect(await schema.validate!({type: 'text-delta', id: 'msg_1', text: 'Hi'})).toMatchObject({success: false})
    for (const type of EVENT_TYPES) {
      for (const chunk of all(type).flat()) {
        const result = await schema.validate!(chunk)
        expect(result, `${type} → ${JSON.stringify(chunk)}`).toMatchObject({success: true})
      }
    }
  })

  it('maps each event as the protocol table says', () => {
    expect(all('start')).toEqual([[{type: 'start-step'}]])
    expect(all('partial')).toEqual([
      [
        {type: 'text-start', id: 'msg_1'},
        {type: 'text-delta', id: 'msg_1', delta: 'Hi'},
      ],
      [{type: 'text-delta', id: 'msg_1', delta: ' there'}],
    ])
    expect(all('partial-thinking')[0]!.map((c) => c.type)).toEqual(['reasoning-start', 'reasoning-delta'])
    expect(all('thinking-ended')).toEqual([[{type: 'reasoning-end', id: 'msg_1:thinking'}]])
    expect(all('final')).toEqual([[{type: 'text-end', id: 'msg_1'}, {type: 'finish-step'}], [{type: 'finish-step'}]])
    expect(all('tool-call')).toEqual([
      [
        {type: 'tool-input-start', toolCallId: 'call_1', toolName: 'calc'},
        {type: 'tool-input-delta', toolCallId: 'call_1', inputTextDelta: '{"expression":"2+3"}'},
        {type: 'tool-input-available', toolCallId: 'call_1', toolName: 'calc', input: {expression: '2+3'}},
      ],
    ])
    expect(all('tool-result')).toEqual([[{type: 'tool-output-available', toolCallId: 'call_1', output: {value: 5}}]])
    expect(all('tool-call-execution-result')).toEqual([[{type: 'tool-output-error', toolCallId: 'call_1', errorText: 'timed out'}]])
    expect(all('interrupt')).toEqual([
      [
        {type: 'text-end', id: 'msg_1'},
        {type: 'abort', reason: 'cancelled'},
      ],
      [{type: 'abort', reason: 'cancelled'}],
    ])
    expect(all('error')).toEqual([
      [
        {type: 'text-end', id: 'msg_1'},
        {type: 'error', errorText: 'overloaded (overloaded_error)'},
      ],
      [{type: 'error', errorText: 'bad'}],
    ])
    expect(all('step-paused')).toEqual([
      [{type: 'tool-approval-request', approvalId: approvalIdOf('pause_1', 'call_1'), toolCallId: 'call_1'}],
      [],
    ])
    expect(all('step-resumed')).toEqual([
      [],
      [{type: 'tool-output-denied', toolCallId: 'call_1'}],
      [{type: 'tool-output-error', toolCallId: 'call_1', errorText: 'skipped by user'}],
    ])
    expect(all('run-finished')).toEqual([
      [
        {
          type: 'finish',
          finishReason: 'tool-calls',
          messageMetadata: {
            conv_id: 'conv-1',
            inference_id: 'inf_1',
            status: 'completed',
            usage: {input_tokens: 3},
            stop_reason: 'tool_calls',
            duration_ms: 12,
          },
        },
      ],
      [
        {
          type: 'finish',
          finishReason: 'error',
          messageMetadata: {conv_id: 'conv-1', inference_id: 'inf_1', status: 'failed', duration_ms: 12},
        },
      ],
      [],
    ])
    expect(all('agent-mode')).toEqual([
      [{type: 'data-agent-mode', id: 'evt_1', data: {mode: 'research', message: 'switching', from: 'chat', to: 'research'}}],
    ])
    for (const silent of ['tool-call-execute', 'user-prompt', 'log', 'info', 'conversation-rebuilt'] as const) {
      expect(all(silent), silent).toEqual([[]])
    }
  })

  it('depends on the event alone: the same event gives the same chunks every time', () => {
    for (const type of EVENT_TYPES)
      for (const e of SAMPLES[type]) expect(toUIMessageChunks(e, context)).toEqual(toUIMessageChunks(e, context))
  })
})
