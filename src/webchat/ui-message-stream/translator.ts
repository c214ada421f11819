import type {Event, ToolCall} from '../../core/index.js'
import {runFinishReasonOf, type UIMessageChunk} from './ui-message-chunk.js'

/** What the translator may look up besides the event: the pause a `step-resumed` answers. */
export interface TranslationContext {
  /** The `step-paused` event of this run with that pause id, if the run had one. */
  pause(pauseId: string): {readonly phase: string; readonly tool_calls: readonly ToolCall[]} | undefined
}

export const reasoningId = (messageId: string): string => `${messageId}:thinking`

/** The approval id of one tool call of a step-mode pause (the SDK approves call by call; jiminy decides per pause). */
export const approvalIdOf = (pauseId: string, toolCallId: string): string => `${pauseId}:${toolCallId}`

/**
 * The UI Message Stream translator: one core event → its chunks, in order. Pure: the chunks depend
 * on the event (and, for `step-resumed`, on the pause it answers) alone, never on what was sent
 * before, so a replay from the run's start makes the same chunks as the live stream did.
 *
 * Stream framing (`start`, the `finish` of a stream that stops at a pause, `[DONE]`) is the
 * stream's job (ui-message-stream.ts), not the translator's.
 */
export function toUIMessageChunks(event: Event, context: TranslationContext): UIMessageChunk[] {
  const m = event.meta
  const messageId = m.message_id ?? m.id
  switch (event.type) {
    case 'start':
      return [{type: 'start-step'}]
    case 'partial':
      // The first chunk of a message's text is the one whose cumulative text is its own delta.
      return event.completion === event.delta
        ? [
            {type: 'text-start', id: messageId},
            {type: 'text-delta', id: messageId, delta: event.delta},
          ]
        : [{type: 'text-delta', id: messageId, delta: event.delta}]
    case 'final':
      return event.text !== '' ? [{type: 'text-end', id: messageId}, {type: 'finish-step'}] : [{type: 'finish-step'}]
    case 'partial-thinking': {
      const id = reasoningId(messageId)
      return event.completion === event.delta
        ? [
            {type: 'reasoning-start', id},
            {type: 'reasoning-delta', id, delta: event.delta},
          ]
        : [{type: 'reasoning-delta', id, delta: event.delta}]
    }
    case 'thinking-ended':
      return [{type: 'reasoning-end', id: reasoningId(messageId)}]
    case 'tool-call': {
      const call = event.tool_call
      // Core has no partial tool-argument event: the input arrives in one delta, complete.
      return [
        {type: 'tool-input-start', toolCallId: call.id, toolName: call.name},
        {type: 'tool-input-delta', toolCallId: call.id, inputTextDelta: JSON.stringify(call.args)},
        {type: 'tool-input-available', toolCallId: call.id, toolName: call.name, input: call.args},
      ]
    }
    case 'tool-result':
    case 'tool-call-execution-result': {
      const r = event.tool_result
      return r.error !== undefined
        ? [{type: 'tool-output-error', toolCallId: r.id, errorText: r.error}]
        : [{type: 'tool-output-available', toolCallId: r.id, output: r.result ?? null}]
    }
    case 'step-paused':
      // Before tools run the SDK's approval parts fit; after tools there is nothing to approve.
      return event.phase === 'after_inference'
        ? event.tool_calls.map((call) => ({
            type: 'tool-approval-request',
            approvalId: approvalIdOf(event.pause_id, call.id),
            toolCallId: call.id,
          }))
        : []
    case 'step-resumed': {
      const pause = context.pause(event.pause_id)
      // A pause closed by a cancel answers nothing: the stream ends with `abort` right after.
      if (pause?.phase !== 'after_inference' || event.action === 'continue' || event.action === 'cancelled') return []
      return pause.tool_calls.map((call) =>
        event.action === 'deny'
          ? {type: 'tool-output-denied', toolCallId: call.id}
          : {type: 'tool-output-error', toolCallId: call.id, errorText: 'skipped by user'},
      )
    }
    case 'interrupt':
      // `message_id` is set only while a message was open: its text part closes, then the stream aborts.
      return [...closeOpenText(m.message_id, event.text), {type: 'abort', reason: 'cancelled'}]
    case 'error':
      return [...closeOpenText(m.message_id, event.text), {type: 'error', errorText: errorTextOf(event)}]
    case 'run-finished':
      // A cancelled run's stream already ended with `abort`.
      return event.status === 'cancelled'
        ? []
        : [
            {
              type: 'finish',
              finishReason: runFinishReasonOf(event.status, event.stop_reason),
              messageMetadata: {
                conv_id: m.session_id,
                inference_id: m.inference_id,
                status: event.status,
                ...(m.model !== undefined ? {model: m.model} : {}),
                ...(event.usage !== undefined ? {usage: event.usage} : {}),
                ...(event.stop_reason !== undefined ? {stop_reason: event.stop_reason} : {}),
                duration_ms: event.duration_ms,
              },
            },
          ]
    case 'agent-mode':
      return [{type: 'data-agent-mode', id: m.id, data: {mode: event.mode, message: event.message, ...event.data}}]
    case 'answer-revised':
      // The text part already ended: the revision travels as data, keyed by the message it revises.
      return [{type: 'data-answer-revised', id: m.message_id ?? m.id, data: {message_id: m.message_id, text: event.text, by: event.by}}]
    case 'tool-call-execute':
    case 'middleware-trace':
    case 'user-prompt':
    case 'log':
    case 'info':
    case 'conversation-rebuilt':
      // The SDK has no part for these: the client sent the prompt itself; logs and rebuilds are SEM's.
      return []
    default: {
      const _exhaustive: never = event
      return _exhaustive
    }
  }
}

/** The `text-end` of a message a run left open (interrupted or failed with partial text). */
function closeOpenText(messageId: string | undefined, text: string | undefined): UIMessageChunk[] {
  return messageId !== undefined && text !== undefined && text !== '' ? [{type: 'text-end', id: messageId}] : []
}

/** The error's message with its code once: a provider message that already names its code (`… (overloaded_error)`) is not given it twice. */
function errorTextOf(event: Extract<Event, {type: 'error'}>): string {
  if (event.code === undefined || event.message.includes(`(${event.code})`)) return event.message
  return `${event.message} (${event.code})`
}
