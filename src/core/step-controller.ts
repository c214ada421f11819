import {AbortedError} from './errors.js'
import type {StepAction, StepPhase} from './events.js'
import {newId} from './ids.js'
import {publish} from './run-context.js'
import type {ToolCall} from './turn.js'

export interface PendingPause {
  readonly pauseId: string
  readonly phase: StepPhase
  readonly toolCalls: readonly ToolCall[]
  readonly deadline: Date
}

export type StepDecisionResult = {ok: true} | {ok: false; reason: 'stale'; message: string; currentPauseId?: string}

export interface StepOutcome {
  readonly action: StepAction
  readonly timedOut: boolean
}

/**
 * Step mode: the tool loop asks `pause()` at `after_inference` and `after_tools`; a client answers
 * with `decide(pause_id, action)`. Only the current pause id is accepted; a pause that reaches its
 * deadline continues, so an abandoned browser tab never wedges a conversation.
 */
export class StepController {
  enabled: boolean
  private readonly timeoutMs: number
  private current: (PendingPause & {resolve: (o: StepOutcome) => void}) | undefined

  constructor(options: {enabled?: boolean; timeoutMs?: number} = {}) {
    this.enabled = options.enabled ?? false
    this.timeoutMs = options.timeoutMs ?? 5 * 60_000
  }

  pending(): PendingPause | undefined {
    if (!this.current) return undefined
    const {pauseId, phase, toolCalls, deadline} = this.current
    return {pauseId, phase, toolCalls, deadline}
  }

  /** Publishes step-paused, waits for a decision, the deadline or cancel, then publishes step-resumed (`cancelled` on cancel). */
  async pause(phase: StepPhase, toolCalls: readonly ToolCall[], signal: AbortSignal): Promise<StepOutcome> {
    if (signal.aborted) throw new AbortedError()
    const pauseId = newId('pause')
    const deadline = new Date(Date.now() + this.timeoutMs)
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    const decided = new Promise<StepOutcome>((resolve, reject) => {
      this.current = {pauseId, phase, toolCalls, deadline, resolve}
      timer = setTimeout(() => resolve({action: 'continue', timedOut: true}), this.timeoutMs)
      onAbort = () => reject(new AbortedError())
      signal.addEventListener('abort', onAbort, {once: true})
    })
    publish({type: 'step-paused', pause_id: pauseId, phase, tool_calls: [...toolCalls], deadline: deadline.toISOString()})
    try {
      let outcome: StepOutcome
      try {
        outcome = await decided
      } catch (error) {
        // Cancelled while waiting: the pause is closed on the wire too, so no client keeps offering a decision.
        publish({type: 'step-resumed', pause_id: pauseId, action: 'cancelled', timed_out: false})
        throw error
      }
      publish({type: 'step-resumed', pause_id: pauseId, action: outcome.action, timed_out: outcome.timedOut})
      return outcome
    } finally {
      clearTimeout(timer)
      if (onAbort) signal.removeEventListener('abort', onAbort)
      if (this.current?.pauseId === pauseId) this.current = undefined
    }
  }

  decide(pauseId: string, action: StepAction): StepDecisionResult {
    const current = this.current
    if (!current || current.pauseId !== pauseId) {
      const message = current
        ? `pause ${pauseId} is stale; the conversation is paused at ${current.pauseId}`
        : `pause ${pauseId} is stale; the conversation is not paused`
      return current ? {ok: false, reason: 'stale', message, currentPauseId: current.pauseId} : {ok: false, reason: 'stale', message}
    }
    this.current = undefined
    current.resolve({action, timedOut: false})
    return {ok: true}
  }
}
