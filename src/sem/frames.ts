import {LazyBuiltFrame} from './built-frame.js'
import {buildDeltaFrame} from './delta-frame.js'
import type {MiddlewareCall, RunStatus, RunTimeline, StepPhase, StepResumedAction, ToolCall} from '../core/index.js'

/**
 * SEM frames: what the server sends a browser for each conversation. `{"sem": true, "event": {...}}`
 * where event is one of the bodies below plus its cursor (`seq`, `stream_id`). Ids are stable across
 * the frames of one message (llm.*), one thinking stream (`${message_id}:thinking`), one tool call
 * (tool.*) or one pause (step.*), so a client upserts by `(type family, id)`.
 */
interface Base<T extends string> {
  readonly type: T
  readonly id: string
  /** The conversation (= session id). */
  readonly conv_id: string
  /** The run the frame belongs to (absent for frames that belong to no run). */
  readonly inference_id?: string
}

/**
 * What pinocchio sends as `metadata` on llm frames (geppetto's LLMInferenceData): the model on
 * every frame of a message; usage, duration and stop reason once the message is final.
 */
export interface LlmMetadata {
  readonly model?: string
  /** `{input_tokens, output_tokens}` (+ the provider's `raw` object). */
  readonly usage?: Readonly<Record<string, unknown>>
  readonly duration_ms?: number
  readonly stop_reason?: string
}

export type SemFrameBody =
  | (Base<'user.message'> & {readonly text: string})
  | (Base<'llm.start'> & {readonly role: 'assistant'; readonly model?: string; readonly metadata: LlmMetadata})
  | (Base<'llm.delta'> & {readonly delta: string; readonly cumulative: string; readonly metadata: LlmMetadata})
  | (Base<'llm.final'> &
      LlmMetadata & {
        readonly text: string
        /** `stop_reason` is `cancelled` / `error` for a message its run's cancel or failure closed. */
        readonly metadata: LlmMetadata
        /** Set on the second llm.final of a message whose answer the middleware chain changed. */
        readonly revised?: {readonly by: readonly string[]}
      })
  | (Base<'llm.thinking.start'> & {readonly role: 'thinking'; readonly metadata: LlmMetadata})
  | (Base<'llm.thinking.delta'> & {readonly delta: string; readonly cumulative: string; readonly metadata: LlmMetadata})
  | (Base<'llm.thinking.final'> & {readonly text: string})
  | (Base<'tool.start'> & {readonly name: string; readonly input: Record<string, unknown>})
  | (Base<'tool.delta'> & {readonly patch: Record<string, unknown>})
  | (Base<'tool.result'> & {readonly result: unknown; readonly error?: string})
  | Base<'tool.done'>
  | (Base<'log'> & {readonly level: string; readonly message: string; readonly fields: Record<string, unknown>})
  | (Base<'run.info'> & {readonly message: string; readonly data: Record<string, unknown>})
  | (Base<'agent.mode'> & {
      readonly title: string
      readonly data: {readonly title: string; readonly from: string; readonly to: string; readonly analysis?: string} & Record<
        string,
        unknown
      >
      /** Also top level: pinocchio's client reads them there (its server sends them in `data`). */
      readonly from: string
      readonly to: string
      readonly analysis?: string
      /** The mode switched to (= `to`). */
      readonly mode: string
    })
  | (Base<'step.paused'> & {
      readonly pause_id: string
      readonly phase: StepPhase
      readonly tool_calls: ToolCall[]
      readonly deadline: string
    })
  | (Base<'step.resumed'> & {readonly pause_id: string; readonly action: StepResumedAction; readonly timed_out: boolean})
  | (Base<'conversation.rebuilt'> & {readonly record: Record<string, unknown>})
  | (Base<'run.error'> & {readonly message: string; readonly code?: string; readonly message_id?: string})
  | (Base<'run.cancelled'> & {readonly text: string; readonly message_id?: string})
  | (Base<'run.finished'> & {
      readonly inference_id: string
      readonly status: RunStatus
      readonly stop_reason?: string
      readonly usage?: Readonly<Record<string, unknown>>
      readonly duration_ms: number
      readonly timeline?: RunTimeline
    })
  /** One per run that went through traced middlewares: each call timed, with its turn diffs. */
  | (Base<'middleware.trace'> & {readonly calls: readonly MiddlewareCall[]})

export type SemFrameType = SemFrameBody['type']

export const SEM_FRAME_TYPES: readonly SemFrameType[] = [
  'user.message',
  'llm.start',
  'llm.delta',
  'llm.final',
  'llm.thinking.start',
  'llm.thinking.delta',
  'llm.thinking.final',
  'tool.start',
  'tool.delta',
  'tool.result',
  'tool.done',
  'log',
  'run.info',
  'agent.mode',
  'step.paused',
  'step.resumed',
  'conversation.rebuilt',
  'run.error',
  'run.cancelled',
  'run.finished',
  'middleware.trace',
]

/** Where a frame sits in its conversation's stream. */
export interface FrameCursor {
  /** Per conversation, from 1, +1 per frame. */
  readonly seq: number
  /** The bus entry id of the message the frame came from, when the transport has one. */
  readonly stream_id?: string
}

export type SemEvent = SemFrameBody & FrameCursor

export interface SemFrame {
  readonly sem: true
  readonly event: SemEvent
}

/**
 * A frame and its wire text, built once and never re-parsed. The text is made on the first read of
 * `json` and kept (`LazyBuiltFrame`): every reader gets the same string, and a frame nobody sends
 * (fixture replay without a golden file) never pays for it.
 */
export interface BuiltFrame {
  readonly seq: number
  readonly type: SemFrameType
  readonly frame: SemFrame
  readonly json: string
}

/** THE frame builder: every SEM frame the server sends is made here, with its cursor. */
export function buildFrame(body: SemFrameBody, cursor: FrameCursor): BuiltFrame {
  if (body.type === 'llm.delta') {
    const fast = buildDeltaFrame(body, cursor)
    if (fast) return fast
  }
  const event = (
    cursor.stream_id !== undefined ? {...body, seq: cursor.seq, stream_id: cursor.stream_id} : {...body, seq: cursor.seq}
  ) as SemEvent
  const frame: SemFrame = {sem: true, event}
  return new LazyBuiltFrame(cursor.seq, body.type, frame)
}

/**
 * A conversation frame sent outside its log, without a cursor: only for news that cannot wait for
 * the log's next seq (a run stopped because its events could not reach the bus). Clients show it
 * without moving their cursor.
 */
export function buildUnloggedFrame(body: SemFrameBody): string {
  const frame = {sem: true, event: body}
  return JSON.stringify(frame)
}

/**
 * Control frames of the WebSocket protocol itself (not part of a conversation's stream, no seq):
 * `ws.hello`, `ws.pong`, `ws.error`, `ws.replay` (what an `after_seq` join replays). Sent as SEM
 * envelopes like every frame, as pinocchio does: `{"sem": true, "event": {type, id, conv_id,
 * server_time, ...}}` with `id` = `{type}:{conv_id}:{server_time}` and `server_time` in Unix ms.
 */
export type ControlFrameBody =
  | {readonly type: 'ws.hello'; readonly profile: string; readonly last_seq: number}
  | {readonly type: 'ws.pong'}
  | {readonly type: 'ws.error'; readonly code: string; readonly message: string}
  | {
      readonly type: 'ws.replay'
      readonly after_seq: number
      /** First seq the replay sends (or would send). */
      readonly from_seq: number
      /** Last seq the replay sends; live frames follow it. */
      readonly to_seq: number
      /** Frames after_seq+1 … from_seq-1 were evicted from the log and cannot be replayed. */
      readonly truncated: boolean
      readonly missing?: number
      /**
       * after_seq is beyond this conversation's last seq: the server restarted or the conversation
       * was evicted, and its frames start over from 1. Drop the local view and rebuild it.
       */
      readonly reset?: true
    }

  /**
   * Server news for every open socket, whatever its conversation (no seq): `serve --watch` could
   * not reload the config or a plugin (`reload-failed`: file, line, message; the last good set stays),
   * reloaded after failing (`recovered`), or reloaded a profile list that changed
   * (`profiles-changed`: slugs added, removed, changed; pages refresh their profile picker).
   */
  | {
      readonly type: 'server.notice'
      readonly level: 'error' | 'info'
      readonly kind: 'reload-failed' | 'recovered' | 'profiles-changed'
      readonly message: string
      readonly file?: string
      readonly line?: number
      readonly field?: string
      readonly files?: readonly string[]
      readonly added?: readonly string[]
      readonly removed?: readonly string[]
      readonly changed?: readonly string[]
    }

export type ControlFrameType = ControlFrameBody['type']

/** A control frame's event: its body plus the fields every control frame carries. */
export type ControlEvent = ControlFrameBody & {
  /** `{type}:{conv_id}:{server_time}` (pinocchio's `ws.hello:{conv_id}:{ms}`). */
  readonly id: string
  /** The conversation of the socket ('' when the join named none). */
  readonly conv_id: string
  /** Unix milliseconds. */
  readonly server_time: number
}

export interface ControlFrame {
  readonly sem: true
  readonly event: ControlEvent
}

/** THE control frame builder: the envelope, pinocchio's id and the server time, serialized once. */
export function buildControlFrame(body: ControlFrameBody, convId: string, now: number = Date.now()): string {
  const event = {...body, id: `${body.type}:${convId}:${now}`, conv_id: convId, server_time: now} as ControlEvent
  const frame: ControlFrame = {sem: true, event}
  return JSON.stringify(frame)
}
