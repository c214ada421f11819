import type {Event} from '../core/index.js'
import type {SemFrameBody} from './frames.js'

export const thinkingId = (messageId: string): string => `${messageId}:thinking`

/**
 * The SEM translator: one core event → its frame bodies, in order. Pure and deterministic: the
 * output depends on the event alone (never on earlier events), so the number of frames an event
 * makes is known to any reader, in any process, from any starting point (see `frameCount`).
 */
export function translateEvent(event: Event): SemFrameBody[] {
  const m = event.meta
  const run = {conv_id: m.session_id, inference_id: m.inference_id}
  const messageId = m.message_id ?? m.id
  switch (event.type) {
    case 'start':
      return [{type: 'llm.start', id: messageId, ...run, ...(m.model !== undefined ? {model: m.model} : {})}]
    case 'partial':
      return [{type: 'llm.delta', id: messageId, ...run, delta: event.delta, cumulative: event.completion}]
    case 'final':
      return [
        {
          type: 'llm.final',
          id: messageId,
          ...run,
          text: event.text,
          ...(m.stop_reason !== undefined ? {stop_reason: m.stop_reason} : {}),
          ...(m.usage !== undefined ? {usage: m.usage} : {}),
          ...(m.duration_ms !== undefined ? {duration_ms: m.duration_ms} : {}),
        },
      ]
    case 'partial-thinking': {
      const id = thinkingId(messageId)
      const delta: SemFrameBody = {type: 'llm.thinking.delta', id, ...run, delta: event.delta, cumulative: event.completion}
      // The first chunk of a thinking stream is the one whose cumulative text is its own delta.
      return event.completion === event.delta ? [{type: 'llm.thinking.start', id, ...run}, delta] : [delta]
    }
    case 'tool-call':
      return [{type: 'tool.start', id: event.tool_call.id, ...run, name: event.tool_call.name, input: event.tool_call.args}]
    case 'tool-call-execute':
      return [{type: 'tool.delta', id: event.tool_call.id, ...run, patch: {status: 'executing'}}]
    case 'tool-result':
    case 'tool-call-execution-result': {
      const r = event.tool_result
      return [
        {type: 'tool.result', id: r.id, ...run, result: r.result ?? null, ...(r.error !== undefined ? {error: r.error} : {})},
        {type: 'tool.done', id: r.id, ...run},
      ]
    }
    case 'interrupt':
      return [
        {
          type: 'run.cancelled',
          id: m.inference_id,
          ...run,
          text: event.text,
          ...(m.message_id !== undefined ? {message_id: m.message_id} : {}),
        },
      ]
    case 'error':
      return [
        {
          type: 'run.error',
          id: m.inference_id,
          ...run,
          message: event.message,
          ...(event.code !== undefined ? {code: event.code} : {}),
          ...(m.message_id !== undefined ? {message_id: m.message_id} : {}),
        },
      ]
    case 'log':
      return [{type: 'log', id: m.id, ...run, level: event.level, message: event.message, fields: event.fields}]
    case 'thinking-ended':
      return [{type: 'llm.thinking.final', id: thinkingId(messageId), ...run, text: event.text}]
    case 'user-prompt':
      return [{type: 'user.message', id: event.block_id, ...run, text: event.text}]
    case 'conversation-rebuilt':
      return [{type: 'conversation.rebuilt', id: m.id, conv_id: m.session_id, record: event.record}]
    case 'info':
      return [{type: 'log', id: m.id, ...run, level: 'info', message: event.message, fields: event.data}]
    case 'agent-mode':
      return [{type: 'agent.mode', id: m.id, ...run, mode: event.mode, message: event.message, data: event.data}]
    case 'step-paused':
      return [
        {
          type: 'step.paused',
          id: event.pause_id,
          ...run,
          pause_id: event.pause_id,
          phase: event.phase,
          tool_calls: event.tool_calls,
          deadline: event.deadline,
        },
      ]
    case 'step-resumed':
      return [
        {type: 'step.resumed', id: event.pause_id, ...run, pause_id: event.pause_id, action: event.action, timed_out: event.timed_out},
      ]
    default:
      return assertNever(event)
  }
}

/** How many frames `translateEvent(event)` makes; what a bus writer adds to its seq per entry. */
export function frameCount(event: Event): number {
  switch (event.type) {
    case 'tool-result':
    case 'tool-call-execution-result':
      return 2
    case 'partial-thinking':
      return event.completion === event.delta ? 2 : 1
    default:
      return 1
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`)
}
