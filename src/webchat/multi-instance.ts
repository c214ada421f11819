import type {StepAction, StepDecisionResult} from '../core/index.js'
import type {ConversationManager} from './conversation-manager.js'
import type {StreamCoordinator} from '../sem/stream-coordinator.js'

/**
 * Run ownership when several `serve` instances share one bus (Redis mode; absent with the in-memory
 * bus, where the Session's own state is the truth). Implemented by `RedisRunOwnership`.
 */
export interface RunOwnership {
  /** Claims the conversation for a run here; throws RunInProgressError while any instance runs it. */
  claim(convId: string): Promise<RunClaim>
  /** Forwards a cancel to the instance running convId; undefined when no other instance runs it. */
  cancelElsewhere(convId: string): Promise<{inferenceId: string} | undefined>
  /** Forwards a step decision to the instance running convId; undefined when no other instance runs it. */
  stepElsewhere(convId: string, pauseId: string, action: StepAction): Promise<StepDecisionResult | undefined>
  /** Answers forwarded requests for runs held here. */
  serve(local: LocalRuns): void
  /** Who runs convId when another instance does (from the run lock); undefined when nobody else does. */
  runningElsewhere(convId: string): Promise<RemoteRun | undefined>
}

/** A run held by another instance, as its run lock describes it. */
export interface RemoteRun {
  /** null in the instant between the claim and the run's start. */
  readonly inferenceId: string | null
  /** The holder's instance id. */
  readonly instance: string
}

export interface RunClaim {
  /** The run started: hold the claim until `settled`, cancel the run if the claim is lost. */
  started(run: {readonly inferenceId: string; cancel(): void}, settled: Promise<unknown>): void
  release(): Promise<void>
}

export interface LocalRuns {
  cancel(convId: string): {inferenceId: string} | undefined
  step(convId: string, pauseId: string, action: StepAction): StepDecisionResult | undefined
}

/** The runs of this instance, as forwarded requests see them. */
export function localRunsOf(manager: ConversationManager): LocalRuns {
  return {
    cancel: (convId) => {
      const run = manager.get(convId)?.running()
      if (!run) return undefined
      run.cancel()
      return {inferenceId: run.inferenceId}
    },
    step: (convId, pauseId, action) => {
      const conversation = manager.get(convId)
      if (!conversation?.running()) return undefined
      return conversation.engine.built.step.decide(pauseId, action)
    },
  }
}

/**
 * Waits (bounded) until the coordinator has handed out frame `seq`. A client that moves to another
 * instance may carry a cursor this instance's reader has not reached yet; replaying before it does
 * would send those frames again later as live ones.
 */
export function waitForSeq(coordinator: StreamCoordinator, seq: number, timeoutMs: number): Promise<void> {
  if (coordinator.lastSeq >= seq) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      stop()
      resolve()
    }
    const timer = setTimeout(done, timeoutMs)
    const stop = coordinator.onFrame((frame) => {
      if (frame.seq >= seq) done()
    })
  })
}
