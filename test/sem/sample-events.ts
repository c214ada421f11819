import {EVENT_TYPES, type Event, type EventType} from '../../src/core/index.js'

const meta = (extra: Partial<Event['meta']> = {}): Event['meta'] => ({
  id: `evt_${Math.random().toString(36).slice(2)}`,
  session_id: 'conv_1',
  inference_id: 'inf_1',
  turn_id: 'turn_1',
  ...extra,
})
const call = {id: 'call_1', name: 'calc', args: {expression: '1+1'}}

/** One representative event of every core type. */
export function sampleEvent(type: EventType): Event {
  switch (type) {
    case 'start':
      return {type, meta: meta({message_id: 'msg_1', model: 'mock-1'})}
    case 'partial':
      return {type, delta: 'lo', completion: 'hello', meta: meta({message_id: 'msg_1'})}
    case 'partial-thinking':
      return {type, delta: 'hm', completion: 'hm', meta: meta({message_id: 'msg_1'})}
    case 'final':
      return {type, text: 'hello', meta: meta({message_id: 'msg_1', stop_reason: 'stop'})}
    case 'tool-call':
      return {type, tool_call: call, meta: meta({message_id: 'call_1'})}
    case 'tool-call-execute':
      return {type, tool_call: call, meta: meta({message_id: 'call_1'})}
    case 'tool-result':
    case 'tool-call-execution-result':
      return {type, tool_result: {id: 'call_1', result: {value: 2}}, meta: meta({message_id: 'call_1'})}
    case 'interrupt':
      return {type, text: 'hel', meta: meta({message_id: 'msg_1'})}
    case 'error':
      return {type, message: 'boom', code: 'overloaded_error', meta: meta()}
    case 'log':
      return {type, level: 'warn', message: 'careful', fields: {a: 1}, meta: meta()}
    case 'info':
      return {type, message: 'note', data: {b: 2}, meta: meta()}
    case 'agent-mode':
      return {type, mode: 'research', message: 'switching', data: {}, meta: meta()}
    case 'step-paused':
      return {type, pause_id: 'pause_1', phase: 'after_inference', tool_calls: [call], deadline: new Date(0).toISOString(), meta: meta()}
    case 'step-resumed':
      return {type, pause_id: 'pause_1', action: 'continue', timed_out: false, meta: meta()}
    case 'user-prompt':
      return {type, text: 'hi there', block_id: 'blk_1', meta: meta()}
    case 'thinking-ended':
      return {type, text: 'hm', meta: meta({message_id: 'msg_1'})}
    case 'conversation-rebuilt':
      return {type, record: {reason: 'x'}, meta: meta()}
    case 'run-finished':
      return {type, status: 'completed', stop_reason: 'stop', usage: {input_tokens: 3, output_tokens: 5}, duration_ms: 12, meta: meta()}
    case 'answer-revised':
      return {type, text: 'HELLO', by: ['shout'], meta: meta({message_id: 'msg_1', stop_reason: 'stop'})}
    case 'middleware-trace':
      return {
        type,
        calls: [
          {
            name: 'shout',
            depth: 0,
            round: 1,
            start_ms: 0,
            duration_ms: 3,
            self_ms: 1,
            request: {added: [], removed: [], changed: [], reordered: false},
            response: {
              added: [],
              removed: [],
              changed: [{id: 'blk_2', kind: 'llm_text', text: 'HELLO', before: 'hello'}],
              reordered: false,
            },
          },
        ],
        meta: meta(),
      }
  }
}

export const ALL_SAMPLE_EVENTS: Event[] = EVENT_TYPES.map(sampleEvent)
