/**
 * The SEM frames the page receives, as DESIGN §3 lists them (pinocchio's fields first, jiminy's
 * extras after). Types only: the page's JS files use them through JSDoc
 * (`@typedef {import('./frames.js').SemEvent} SemEvent`) and `tsc -p tsconfig.web.json` checks them;
 * the browser never loads this file.
 *
 * Frames come from the network, so every field a server might omit is optional here and the page
 * reads them defensively. Every frame is `{"sem": true, "event": {type, id, ...}}`; conversation
 * frames carry their cursor (`seq`, `stream_id`) inside `event`.
 */

/** Fields every conversation frame may carry. */
export interface FrameBase<T extends string> {
  readonly type: T
  readonly id: string
  readonly conv_id?: string
  /** The run the frame belongs to (absent for frames that belong to no run, e.g. rebuilds). */
  readonly inference_id?: string
  /** Per conversation, from 1, +1 per frame. */
  readonly seq?: number
  /** The bus entry the frame came from, when the bus has ids. */
  readonly stream_id?: string
}

export interface Usage {
  readonly input_tokens?: number
  readonly output_tokens?: number
}

export interface MessageMetadata {
  readonly model?: string
  readonly usage?: Usage
  readonly duration_ms?: number
  readonly stop_reason?: string
}

export interface ToolCallProposal {
  readonly id?: string
  readonly name?: string
  readonly args?: unknown
}

/** `conversation.rebuilt`'s record (DESIGN §3): also accepted at the top level of the frame. */
export interface RebuildRecord {
  readonly at?: string
  readonly reason?: string
  readonly source?: 'request' | 'file' | 'plugin' | string
  readonly file?: string
  readonly plugin?: string
  readonly from?: unknown
  readonly to?: unknown
  readonly diff?: unknown
  readonly diff_text?: string
}

// ---- assistant messages -----------------------------------------------------------------------

export interface LlmStart extends FrameBase<'llm.start'> {
  readonly role?: 'assistant'
  readonly model?: string
  readonly metadata?: MessageMetadata
}
export interface LlmDelta extends FrameBase<'llm.delta'> {
  readonly delta?: string
  readonly cumulative?: string
  readonly metadata?: MessageMetadata
}
export interface LlmFinal extends FrameBase<'llm.final'>, MessageMetadata {
  readonly text?: string
  readonly metadata?: MessageMetadata
  /** A middleware changed the text after it streamed: this frame's text replaces it. */
  readonly revised?: {readonly by?: readonly string[] | string}
}
export interface LlmThinkingStart extends FrameBase<'llm.thinking.start'> {
  readonly role?: 'thinking'
}
export interface LlmThinkingDelta extends FrameBase<'llm.thinking.delta'> {
  readonly delta?: string
  readonly cumulative?: string
}
export interface LlmThinkingFinal extends FrameBase<'llm.thinking.final'> {
  readonly text?: string
}

// ---- tools ------------------------------------------------------------------------------------

export interface ToolStart extends FrameBase<'tool.start'> {
  readonly name?: string
  readonly input?: unknown
}
export interface ToolDelta extends FrameBase<'tool.delta'> {
  readonly patch?: {readonly status?: string; readonly [key: string]: unknown}
}
export interface ToolResult extends FrameBase<'tool.result'> {
  readonly result?: unknown
  readonly error?: string | null
}
export type ToolDone = FrameBase<'tool.done'>

// ---- everything else in a run -----------------------------------------------------------------

export interface LogFrame extends FrameBase<'log'> {
  readonly level?: string
  readonly message?: string
  readonly fields?: Record<string, unknown>
}
export interface AgentMode extends FrameBase<'agent.mode'> {
  readonly title?: string
  readonly data?: {readonly title?: string; readonly from?: string; readonly to?: string; readonly analysis?: string}
  /** What jiminy v1 sent instead of `title` / `data.analysis`. */
  readonly mode?: string
  readonly message?: string
}
export interface UserMessage extends FrameBase<'user.message'> {
  readonly text?: string
}
export interface StepPaused extends FrameBase<'step.paused'> {
  readonly pause_id?: string
  readonly phase?: string
  readonly tool_calls?: readonly ToolCallProposal[]
  /** ISO time after which the pause continues by itself. */
  readonly deadline?: string
}
export interface StepResumed extends FrameBase<'step.resumed'> {
  readonly pause_id?: string
  readonly phase?: string
  readonly action?: 'continue' | 'skip' | 'deny' | string
  readonly timed_out?: boolean
}
export interface ConversationRebuilt extends FrameBase<'conversation.rebuilt'>, RebuildRecord {
  readonly record?: RebuildRecord
}
export interface RunCancelled extends FrameBase<'run.cancelled'> {
  readonly text?: string
  readonly message_id?: string
}
export interface RunError extends FrameBase<'run.error'> {
  readonly message?: string
  readonly code?: string
  readonly message_id?: string
}
/** A note about the run (e.g. max_iterations reached); never a log line. */
export interface RunInfo extends FrameBase<'run.info'> {
  readonly message?: string
  readonly data?: Record<string, unknown>
}
/** The last frame of every run. */
export interface RunFinished extends FrameBase<'run.finished'> {
  readonly status?: string
  readonly stop_reason?: string
  readonly usage?: Usage
  readonly duration_ms?: number
  readonly timeline?: RunTimeline
}
/** Where a run's time went; `start_ms` from the run's start. */
export interface RunTimeline {
  readonly total_ms?: number
  readonly inferences?: readonly {
    readonly message_id?: string
    readonly model?: string
    readonly start_ms?: number
    readonly first_token_ms?: number
    readonly duration_ms?: number
    readonly output_tokens?: number
    readonly tokens_per_s?: number
  }[]
  readonly tools?: readonly {
    readonly id?: string
    readonly name?: string
    readonly start_ms?: number
    readonly duration_ms?: number
    readonly error?: boolean
  }[]
  readonly pauses?: readonly {
    readonly pause_id?: string
    readonly phase?: string
    readonly start_ms?: number
    readonly wait_ms?: number
    readonly action?: string
    readonly timed_out?: boolean
  }[]
}
export interface TraceBlock {
  readonly id?: string
  readonly kind?: string
  readonly role?: string
  readonly text?: string
  readonly before?: string
}
export interface TraceDiff {
  readonly added?: readonly TraceBlock[]
  readonly removed?: readonly TraceBlock[]
  readonly changed?: readonly TraceBlock[]
  readonly reordered?: boolean
}
export interface TraceCall {
  readonly name?: string
  readonly depth?: number
  readonly round?: number
  readonly start_ms?: number
  readonly duration_ms?: number
  readonly self_ms?: number
  readonly request?: TraceDiff
  readonly response?: TraceDiff
  readonly error?: string
}
/** Every middleware call of a run, timed, with what each changed. */
export interface MiddlewareTrace extends FrameBase<'middleware.trace'> {
  readonly calls?: readonly TraceCall[]
}
/** Config reload failed (file, line, message) or recovered; sent to every socket, without seq. */
export interface ServerNotice extends FrameBase<'server.notice'> {
  readonly level?: string
  readonly kind?: string
  readonly message?: string
  readonly file?: string
  readonly line?: number
  readonly field?: string
  readonly files?: readonly string[]
}

/** Every frame of a conversation's stream. */
export type SemEvent =
  | UserMessage
  | LlmStart
  | LlmDelta
  | LlmFinal
  | LlmThinkingStart
  | LlmThinkingDelta
  | LlmThinkingFinal
  | ToolStart
  | ToolDelta
  | ToolResult
  | ToolDone
  | LogFrame
  | AgentMode
  | StepPaused
  | StepResumed
  | ConversationRebuilt
  | RunCancelled
  | RunError
  | RunInfo
  | RunFinished
  | MiddlewareTrace
  | ServerNotice

export type SemEventType = SemEvent['type']

// ---- control frames of the socket itself (no seq) ---------------------------------------------

export interface WsHello {
  readonly type: 'ws.hello'
  readonly id?: string
  readonly conv_id?: string
  readonly profile?: string
  /** Unix ms (DESIGN §3); jiminy v1 sent an ISO string. */
  readonly server_time?: number | string
  readonly last_seq?: number
}
export interface WsPong {
  readonly type: 'ws.pong'
  readonly id?: string
  readonly conv_id?: string
  readonly server_time?: number | string
}
export interface WsError {
  readonly type: 'ws.error'
  readonly id?: string
  readonly code?: string
  readonly message?: string
}
export interface WsReplay {
  readonly type: 'ws.replay'
  readonly id?: string
  readonly after_seq?: number
  readonly from_seq?: number
  readonly to_seq?: number
  readonly truncated?: boolean
  readonly missing?: number
  readonly reset?: boolean
}

/** What the socket client itself reports next to the server's control frames. */
export type ClientNote =
  | {readonly type: 'client.error'; readonly message: string}
  | {readonly type: 'client.bad_frame'; readonly text: string}
  | {readonly type: 'client.closed'; readonly code: number; readonly reason: string}
  | {readonly type: 'client.gap'; readonly from: number; readonly to: number}

export type ControlFrame = WsHello | WsPong | WsError | WsReplay

/** A frame on the wire: SEM-wrapped (every frame, per DESIGN §3) or a bare control frame (jiminy v1). */
export type WireFrame = {readonly sem: true; readonly event: SemEvent | ControlFrame} | ControlFrame
