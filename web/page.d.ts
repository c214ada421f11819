/**
 * Shapes the page's modules share that are not SEM frames: what the HTTP routes answer, what the
 * browser keeps in localStorage, and the one debug handle on `window`. Types only (see frames.d.ts).
 */
import type {ControlEvent, RunTimeline, SemEvent} from './frames.js'
import type {ConversationStore} from './conversation-store.js'
import type {RunState} from './run-state.js'
import type {Transcript} from './transcript.js'
import type {ConversationSocket, SocketStats} from './ws-client.js'

// ---- frames as the page receives them (frames.d.ts is generated from the server's types) ------

/** `server.notice`: server news for every socket (no seq), SEM-wrapped like every frame. */
export type ServerNotice = Extract<ControlEvent, {type: 'server.notice'}>
/** What the socket hands the page as a frame: a conversation frame, or server news. */
export type PageEvent = SemEvent | ServerNotice
/** The frame of one type. */
export type FrameOf<T extends PageEvent['type']> = Extract<PageEvent, {type: T}>

/** What the socket client itself reports next to the server's control frames. */
export type ClientNote =
  | {readonly type: 'client.error'; readonly message: string}
  | {readonly type: 'client.bad_frame'; readonly text: string}
  | {readonly type: 'client.closed'; readonly code: number; readonly reason: string}
  | {readonly type: 'client.gap'; readonly from: number; readonly to: number}
/** The socket's own frames (`ws.*`; jiminy v1 sent them bare, so fields may be missing) and client notes. */
export type ControlNote = Exclude<ControlEvent, ServerNotice> | ClientNote

// ---- what the frame reducer asks the page to show (conversation-reducer.js) ----------------------

/** Where a shown item belongs: its run (null: the conversation) and the seq of its frame. */
interface At {
  readonly run: string | null
  readonly seq: number | undefined
}
export type LlmFrame = FrameOf<'llm.start'> | FrameOf<'llm.delta'> | FrameOf<'llm.final'>
export type ThinkingFrame = FrameOf<'llm.thinking.start'> | FrameOf<'llm.thinking.delta'> | FrameOf<'llm.thinking.final'>
export type ToolFrame = FrameOf<'tool.start'> | FrameOf<'tool.delta'> | FrameOf<'tool.result'> | FrameOf<'tool.done'>
export type StepFrame = FrameOf<'step.paused'> | FrameOf<'step.resumed'>
/** A log line: a `log` frame, or the page's own note about a frame it does not know. */
export interface LogLine {
  readonly level: string
  readonly message: string
  readonly fields: Record<string, unknown>
}
export type ToolOutcome = 'skipped' | 'denied'

export type ViewAction =
  | (At & {readonly type: 'prompt'; readonly text: string})
  | (At & {readonly type: 'assistant'; readonly id: string; readonly event: LlmFrame})
  | {readonly type: 'thinking-over'; readonly id: string}
  | (At & {readonly type: 'thinking'; readonly id: string; readonly owner: string | null; readonly event: ThinkingFrame})
  | (At & {readonly type: 'tool'; readonly id: string; readonly event: ToolFrame})
  | {readonly type: 'tool-outcome'; readonly id: string; readonly outcome: ToolOutcome}
  | (At & {readonly type: 'step'; readonly id: string; readonly event: StepFrame})
  /** The run ended while this pause waited: no decision can reach it any more. */
  | {readonly type: 'pause-closed'; readonly id: string; readonly status: string}
  | (At & {
      readonly type: 'run-stopped'
      readonly how: 'cancelled' | 'failed'
      readonly messageId: string | null
      readonly detail: string
    })
  | (At & {readonly type: 'run-finished'; readonly run: string; readonly status: string; readonly timeline: RunTimeline | null})
  | (At & {readonly type: 'rebuild'; readonly event: FrameOf<'conversation.rebuilt'>})
  | (At & {
      readonly type: 'notice'
      readonly kind: 'info' | 'error'
      readonly title: string
      readonly detail: string
      readonly testid: string
    })
  | (At & {readonly type: 'trace'; readonly event: FrameOf<'middleware.trace'>})
  | (At & {readonly type: 'log'; readonly event: LogLine})
  | (At & {readonly type: 'agent-mode'; readonly event: FrameOf<'agent.mode'>})
  | {readonly type: 'server-notice'; readonly event: ServerNotice}

/** An open step pause: its run, phase and the tool calls it holds (their ids get the decision's outcome). */
export interface OpenPause {
  readonly run: string | null
  readonly phase: string
  readonly toolIds: readonly string[]
}
/** The open conversation as the frame reducer has it so far. */
export interface ConversationState {
  /** The run going: its first frame arrived, its run.finished not yet. */
  readonly running: string | null
  /** Runs whose run.finished arrived. */
  readonly finished: ReadonlySet<string>
  /** Open step pauses by pause id. */
  readonly pauses: ReadonlyMap<string, OpenPause>
  /** A run frame has arrived: until then a rebuild is nothing to explain. */
  readonly hasRuns: boolean
}
/** conversation-reducer.js's one function: a frame in, the next state and what to show out. */
export type ReduceFrame = (state: ConversationState, event: PageEvent) => {state: ConversationState; actions: ViewAction[]}

/** A child of `el()`: a node, text (numbers too), nested arrays; null, undefined and booleans are skipped. */
export type DomChild = Node | string | number | boolean | null | undefined | readonly DomChild[]

/** `GET /api/chat/profiles`: one entry. */
export interface ProfileInfo {
  readonly slug: string
  readonly description?: string
  readonly default_prompt?: string
  readonly step_mode?: boolean
  readonly default?: boolean
}

/** `GET /api/conversations`: one entry (`updated_at` or v1's `last_activity`). */
export interface ServerConversation {
  readonly conv_id: string
  readonly profile?: string
  readonly title?: string
  readonly running?: boolean
  readonly inference_id?: string
  readonly updated_at?: string
  readonly last_activity?: string
  /** Seq of its newest frame; 0 for a conversation opened somewhere but never used. */
  readonly last_seq?: number
}

/** Per-conversation overrides sent with each POST. */
export interface Overrides {
  step_mode?: boolean
  system_prompt?: string
}

/** A conversation as this browser remembers it. */
export interface ConversationRecord {
  conv_id: string
  profile: string
  title: string
  overrides: Overrides
  updated_at: string
}

/** A sidebar entry: local and server conversations merged. */
export interface ConversationItem {
  conv_id: string
  profile: string | undefined
  title: string
  updated_at: string
  running: boolean
  local: boolean
}

/** `window.jiminy`: the page's one global, for tests and for poking at from the console. */
export interface JiminyDebugHandle {
  readonly state: PageState
  readonly store: ConversationStore
  readonly transcript: Transcript
  run(): RunState
  socketStats(): SocketStats | null
}

export interface PageState {
  profiles: ProfileInfo[]
  server: ServerConversation[]
  convId: string | null
  socket: ConversationSocket | null
  lastWsError: string | null
}

declare global {
  interface Window {
    jiminy?: JiminyDebugHandle
  }
}
