/**
 * Shapes the page's modules share that are not SEM frames: what the HTTP routes answer, what the
 * browser keeps in localStorage, and the one debug handle on `window`. Types only (see frames.d.ts).
 */
import type {ConversationStore} from './conversation-store.js'
import type {RunState} from './run-state.js'
import type {Transcript} from './transcript.js'
import type {ConversationSocket, SocketStats} from './ws-client.js'

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
