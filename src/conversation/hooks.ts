import type {BusMessage} from '../bus/index.js'
import type {Event} from '../core/index.js'
import type {Overrides} from '../engine/index.js'
import type {BuiltFrame, CoordinatorProblem, FrameLog} from '../sem/index.js'

/** What a caller asked for beside the prompt when it started a run. */
export interface RunRequest {
  /** The request's overrides, as given (`/chat` body `overrides`, `jiminy run` flags). */
  readonly overrides?: Overrides
  /** The `/chat` body's `idempotency_key`. */
  readonly idempotencyKey?: string
}

/** A run as it started: its inputs and the config it got (what a recording keeps to rerun it). */
export interface RunStart {
  readonly profile: string
  readonly overrides: Record<string, unknown>
  /** The prompt as the client sent it (before any middleware). */
  readonly prompt: string
  readonly idempotency_key?: string
  readonly config: Record<string, unknown>
  readonly signature: string
  readonly inference_id: string
}

/**
 * How a caller follows one conversation of the one wiring: the server (sockets, store rows, logs),
 * a recorder (bus messages and run inputs), a rerun (frames to compare, pauses to answer). Every
 * hook is optional and called synchronously; a throwing hook is the caller's bug, never the stream's.
 */
export interface ConversationHooks {
  /** Each bus message the coordinator accepted, in consume order, before its frames (the fixture recorder). */
  readonly message?: (message: BusMessage) => void
  /** Each frame made, in seq order, after it went to the audience; `log` is the conversation's FrameLog when kept. */
  readonly frame?: (frame: BuiltFrame, log: FrameLog | undefined) => void
  /** Each decoded event, in seq order, after its frames went out. */
  readonly event?: (event: Event, seq: number) => void
  /** A run started (recorders keep its inputs). */
  readonly runStarted?: (run: RunStart) => void
  /** The coordinator saw a bad, duplicate or out-of-order message. */
  readonly problem?: (problem: CoordinatorProblem) => void
  /** The bus refused a message; `'retry'` publishes it again ahead of every later one (see BusSink). */
  readonly publishError?: (error: unknown, event: Event) => 'retry' | undefined
}

/** Hooks of several followers as one: each hook calls every follower's, in order (any `'retry'` retries). */
export function combineHooks(...all: readonly (ConversationHooks | undefined)[]): ConversationHooks {
  const hooks = all.filter((h): h is ConversationHooks => h !== undefined)
  if (hooks.length === 1) return hooks[0]!
  return {
    message: (message) => hooks.forEach((h) => h.message?.(message)),
    frame: (frame, log) => hooks.forEach((h) => h.frame?.(frame, log)),
    event: (event, seq) => hooks.forEach((h) => h.event?.(event, seq)),
    runStarted: (run) => hooks.forEach((h) => h.runStarted?.(run)),
    problem: (problem) => hooks.forEach((h) => h.problem?.(problem)),
    publishError: (error, event) => {
      let answer: 'retry' | undefined
      for (const h of hooks) if (h.publishError?.(error, event) === 'retry') answer = 'retry'
      return answer
    },
  }
}
