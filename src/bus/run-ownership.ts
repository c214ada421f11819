import type {StepAction, StepDecisionResult} from '../core/index.js'

/**
 * Who runs which conversation when several `serve` instances share one bus. Redis mode implements
 * it with a run lock and a control channel (`RedisRunOwnership`); one instance uses
 * `singleInstanceOwnership`, a null object, so callers never branch on "is there an ownership?".
 */
export interface RunOwnership {
  /** True when other instances may run this instance's conversations (Redis mode). */
  readonly shared: boolean
  /** Claims the conversation for a run here; throws RunInProgressError while any instance runs it. */
  claim(convId: string): Promise<RunClaim>
  /** Forwards a cancel to the instance running convId; undefined when no other instance runs it. */
  cancelElsewhere(convId: string): Promise<{inferenceId: string} | undefined>
  /** Forwards a step decision to the instance running convId; undefined when no other instance runs it. */
  stepElsewhere(convId: string, pauseId: string, action: StepAction): Promise<StepDecisionResult | undefined>
  /** Who runs convId when another instance does (from the run lock); undefined when nobody else does. */
  runningElsewhere(convId: string): Promise<RemoteRun | undefined>
  /** Answers forwarded requests for the runs held here. */
  serve(local: LocalRuns): void
}

/** A run held by another instance, as its run lock describes it. */
export interface RemoteRun {
  /** null in the instant between the claim and the run's start. */
  readonly inferenceId: string | null
  /** The holder's instance id. */
  readonly instance: string
}

/** A conversation claimed for one run on this instance. */
export interface RunClaim {
  /** The run started: keep the claim until `settled`, then release. Claim lost → run.cancel(). */
  started(run: {readonly inferenceId: string; cancel(): void}, settled: Promise<unknown>): void
  /** Gives the claim back (the run did not start, or ended). */
  release(): Promise<void>
}

/** What the ownership asks of this instance's runs when another instance forwards a request. */
export interface LocalRuns {
  /** Cancels convId's run if it runs here. */
  cancel(convId: string): {inferenceId: string} | undefined
  /** Answers a pause of convId's run if it runs here. */
  step(convId: string, pauseId: string, action: StepAction): StepDecisionResult | undefined
}

const noClaim: RunClaim = {started: () => undefined, release: async () => undefined}

/** One instance: the Session's own state is the truth, so nothing is claimed or forwarded. */
export const singleInstanceOwnership: RunOwnership = {
  shared: false,
  claim: async () => noClaim,
  cancelElsewhere: async () => undefined,
  stepElsewhere: async () => undefined,
  runningElsewhere: async () => undefined,
  serve: () => undefined,
}
