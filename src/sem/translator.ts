import type {Event, EventMeta} from '../core/index.js'
import type {LlmMetadata, SemFrameBody} from './frames.js'

export const thinkingId = (messageId: string): string => `${messageId}:thinking`

/** `llm.final`'s stop reason for a message closed by its run's cancel or failure. */
export const STOP_CANCELLED = 'cancelled'
export const STOP_ERROR = 'error'

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
      return [
        {
          type: 'llm.start',
          id: messageId,
          ...run,
          role: 'assistant',
          ...(m.model !== undefined ? {model: m.model} : {}),
          metadata: metadataOf(m),
        },
      ]
    case 'partial':
      // A literal, not `...run`: one per streamed token, and the key order buildDeltaFrame expects.
      return [
        {
          type: 'llm.delta',
          id: messageId,
          conv_id: m.session_id,
          inference_id: m.inference_id,
          delta: event.delta,
          cumulative: event.completion,
          metadata: metadataOf(m),
        },
      ]
    case 'final':
      return [finalFrame(m, event.text)]
    case 'answer-revised':
      // A second llm.final for the message: the text the snapshot holds, and who changed it.
      return [finalFrame(m, event.text, event.by)]
    case 'middleware-trace':
      return [{type: 'middleware.trace', id: `${m.inference_id}:trace`, ...run, calls: event.calls}]
    case 'partial-thinking': {
      const id = thinkingId(messageId)
      const metadata = metadataOf(m)
      const delta: SemFrameBody = {type: 'llm.thinking.delta', id, ...run, delta: event.delta, cumulative: event.completion, metadata}
      // The first chunk of a thinking stream is the one whose cumulative text is its own delta.
      return event.completion === event.delta ? [{type: 'llm.thinking.start', id, ...run, role: 'thinking', metadata}, delta] : [delta]
    }
    case 'tool-call':
      return [{type: 'tool.start', id: event.tool_call.id, ...run, name: event.tool_call.name, input: event.tool_call.args}]
    case 'tool-call-execute':
      return [
        {
          type: 'tool.delta',
          id: event.tool_call.id,
          ...run,
          patch: {
            status: 'executing',
            exec: true,
            input: event.tool_call.args,
            ...(event.source !== undefined ? {source: event.source} : {}),
          },
        },
      ]
    case 'tool-result':
    case 'tool-call-execution-result': {
      const r = event.tool_result
      return [
        {type: 'tool.result', id: r.id, ...run, result: r.result ?? null, ...(r.error !== undefined ? {error: r.error} : {})},
        {type: 'tool.done', id: r.id, ...run},
      ]
    }
    case 'interrupt': {
      const cancelled: SemFrameBody = {
        type: 'run.cancelled',
        id: m.inference_id,
        ...run,
        text: event.text,
        ...(m.message_id !== undefined ? {message_id: m.message_id} : {}),
      }
      // An interrupt that names a message closes it first, with its partial text (as pinocchio does).
      return m.message_id !== undefined ? [finalFrame({...m, stop_reason: STOP_CANCELLED}, event.text), cancelled] : [cancelled]
    }
    case 'error': {
      const failed: SemFrameBody = {
        type: 'run.error',
        id: m.inference_id,
        ...run,
        message: event.message,
        ...(event.code !== undefined ? {code: event.code} : {}),
        ...(m.message_id !== undefined ? {message_id: m.message_id} : {}),
      }
      return closesMessage(event) ? [finalFrame({...m, stop_reason: STOP_ERROR}, event.text ?? ''), failed] : [failed]
    }
    case 'run-finished':
      return [
        {
          type: 'run.finished',
          id: m.inference_id,
          ...run,
          status: event.status,
          ...(event.stop_reason !== undefined ? {stop_reason: event.stop_reason} : {}),
          ...(event.usage !== undefined ? {usage: event.usage} : {}),
          duration_ms: event.duration_ms,
          ...(event.timeline !== undefined ? {timeline: event.timeline} : {}),
        },
      ]
    case 'log':
      return [{type: 'log', id: m.id, ...run, level: event.level, message: event.message, fields: event.fields}]
    case 'info':
      // Not a log line (DESIGN: log frames only from log events): a note about the run.
      return [{type: 'run.info', id: m.id, ...run, message: event.message, data: event.data}]
    case 'thinking-ended':
      return [{type: 'llm.thinking.final', id: thinkingId(messageId), ...run, text: event.text}]
    case 'user-prompt':
      return [{type: 'user.message', id: event.block_id, ...run, text: event.text}]
    case 'conversation-rebuilt':
      return [{type: 'conversation.rebuilt', id: m.id, conv_id: m.session_id, record: event.record}]
    case 'agent-mode': {
      const from = stringField(event.data, 'from') ?? ''
      const to = stringField(event.data, 'to') ?? event.mode
      const analysis = stringField(event.data, 'analysis')
      const fields = {from, to, ...(analysis !== undefined ? {analysis} : {})}
      return [
        {
          type: 'agent.mode',
          id: m.id,
          ...run,
          title: event.message,
          data: {title: event.message, ...event.data, ...fields},
          ...fields,
          mode: event.mode,
        },
      ]
    }
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
    case 'interrupt':
      return event.meta.message_id !== undefined ? 2 : 1
    case 'error':
      return closesMessage(event) ? 2 : 1
    default:
      return 1
  }
}

/** An error event closes the message it names only when it carries that message's partial text. */
function closesMessage(event: Extract<Event, {type: 'error'}>): boolean {
  return event.meta.message_id !== undefined && event.text !== undefined
}

/** `llm.final`: pinocchio's `metadata`, and the same fields top level (jiminy v1 clients read them there). */
function finalFrame(m: EventMeta, text: string, revisedBy?: readonly string[]): SemFrameBody {
  const metadata = metadataOf(m)
  return {
    type: 'llm.final',
    id: m.message_id ?? m.id,
    conv_id: m.session_id,
    inference_id: m.inference_id,
    text,
    ...metadata,
    metadata,
    ...(revisedBy !== undefined ? {revised: {by: revisedBy}} : {}),
  }
}

function metadataOf(m: EventMeta): LlmMetadata {
  // Assigned one by one (same keys, same order as spreading each): called for every delta.
  const out: {model?: string; usage?: Readonly<Record<string, unknown>>; duration_ms?: number; stop_reason?: string} = {}
  if (m.model !== undefined) out.model = m.model
  if (m.usage !== undefined) out.usage = m.usage
  if (m.duration_ms !== undefined) out.duration_ms = m.duration_ms
  if (m.stop_reason !== undefined) out.stop_reason = m.stop_reason
  return out
}

function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key]
  return typeof value === 'string' ? value : undefined
}

function assertNever(value: never): never {
  throw new Error(`unhandled event ${JSON.stringify(value)}`)
}
