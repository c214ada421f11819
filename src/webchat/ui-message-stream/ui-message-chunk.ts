import type {RunStatus} from '../../core/index.js'

/**
 * The chunks of the AI SDK UI Message Stream (protocol `v1`, package `ai` v5–v7) that jiminy sends,
 * field for field as `uiMessageChunkSchema` in `ai` validates them. Only the members jiminy emits;
 * the test suite checks this type is assignable to `ai`'s own `UIMessageChunk`.
 */
export type UIMessageChunk =
  | {readonly type: 'start'; readonly messageId: string; readonly messageMetadata?: Readonly<Record<string, unknown>>}
  | {readonly type: 'start-step'}
  | {readonly type: 'text-start'; readonly id: string}
  | {readonly type: 'text-delta'; readonly id: string; readonly delta: string}
  | {readonly type: 'text-end'; readonly id: string}
  | {readonly type: 'reasoning-start'; readonly id: string}
  | {readonly type: 'reasoning-delta'; readonly id: string; readonly delta: string}
  | {readonly type: 'reasoning-end'; readonly id: string}
  | {readonly type: 'tool-input-start'; readonly toolCallId: string; readonly toolName: string}
  | {readonly type: 'tool-input-delta'; readonly toolCallId: string; readonly inputTextDelta: string}
  | {readonly type: 'tool-input-available'; readonly toolCallId: string; readonly toolName: string; readonly input: unknown}
  | {readonly type: 'tool-approval-request'; readonly approvalId: string; readonly toolCallId: string}
  | {readonly type: 'tool-output-available'; readonly toolCallId: string; readonly output: unknown}
  | {readonly type: 'tool-output-error'; readonly toolCallId: string; readonly errorText: string}
  | {readonly type: 'tool-output-denied'; readonly toolCallId: string}
  | {readonly type: `data-${string}`; readonly id?: string; readonly data: unknown; readonly transient?: boolean}
  | {readonly type: 'finish-step'}
  | {readonly type: 'finish'; readonly finishReason?: FinishReason; readonly messageMetadata?: Readonly<Record<string, unknown>>}
  | {readonly type: 'error'; readonly errorText: string}
  | {readonly type: 'abort'; readonly reason?: string}

/** `finish.finishReason` as the SDK's schema allows it. */
export type FinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other'

/** The stream's response headers (`x-vercel-ai-ui-message-stream: v1` is what the SDK's clients look for). */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-vercel-ai-ui-message-stream': 'v1',
  'x-accel-buffering': 'no',
}

/** The `finish` reason of a run that ended with `status` (a cancelled run ends with `abort` instead). */
export function runFinishReasonOf(status: RunStatus, stopReason: string | undefined): FinishReason {
  switch (status) {
    case 'completed':
      return finishReasonOf(stopReason)
    case 'failed':
      return 'error'
    case 'denied':
    case 'cancelled':
      // Ended by the user's decision, not by the model: the SDK's reason for "something else".
      return 'other'
    default: {
      const exhaustive: never = status
      throw new Error(`unhandled run status ${String(exhaustive)}`)
    }
  }
}

/** A provider's stop reason (jiminy's `stop_reason`, OpenAI's, Anthropic's, Gemini's) as an SDK finish reason. */
export function finishReasonOf(stopReason: string | undefined): FinishReason {
  switch (stopReason?.toLowerCase()) {
    case undefined:
    case 'stop':
    case 'end_turn':
    case 'stop_sequence':
    case 'completed':
      return 'stop'
    case 'tool_calls':
    case 'tool_use':
    case 'function_call':
      return 'tool-calls'
    case 'length':
    case 'max_tokens':
    case 'max_output_tokens':
      return 'length'
    case 'content_filter':
    case 'safety':
    case 'refusal':
      return 'content-filter'
    default:
      return 'other'
  }
}
