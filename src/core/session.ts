import type {InferenceFn} from './engine.js'
import {isAbortError, RunInProgressError} from './errors.js'
import type {Event, MetaExtra, RunFinishedStatus} from './events.js'
import {newId} from './ids.js'
import {publish, withRunContext, type EventSink, type RunContext} from './run-context.js'
import {RunTimelineRecorder} from './run-timeline.js'
import {RunInterruptedError} from './tool-loop.js'
import {appendBlocks, assistantTextBlock, cloneTurn, newTurn, userBlock, type Turn} from './turn.js'

export type RunStatus = RunFinishedStatus

export interface RunOutcome {
  readonly inferenceId: string
  readonly status: RunStatus
  /** The turn as the run left it; it becomes the session's snapshot. */
  readonly turn: Turn
  readonly error?: string
}

export interface ExecutionHandle {
  readonly inferenceId: string
  readonly turnId: string
  readonly startedAt: Date
  /** Resolves when the run ends, however it ends; never rejects. */
  wait(): Promise<RunOutcome>
  /**
   * Aborts the run: the provider request, any running tool, any step pause. Idempotent. With a
   * `failure`, the run ends as failed with that error (its message and `code` on the `error` event)
   * instead of cancelled: the server stops a run whose events cannot reach the bus this way.
   */
  cancel(failure?: Error): void
}

export interface SessionPipeline {
  readonly run: InferenceFn
  readonly sinks: readonly EventSink[]
}

/**
 * One conversation's run state. The snapshot grows run after run: each run starts from a copy of
 * it, and whatever the run produced (even a cancelled or failed one) becomes the next snapshot.
 */
export class Session {
  private latest: Turn
  private active: ExecutionHandle | undefined

  constructor(
    readonly id: string,
    private pipeline: SessionPipeline,
    snapshot?: Turn,
  ) {
    this.latest = snapshot ? cloneTurn(snapshot) : newTurn()
  }

  /** Swaps engine, middlewares or sinks for later runs (a rebuild); refused while a run is going. */
  setPipeline(pipeline: SessionPipeline): void {
    if (this.active) throw new RunInProgressError(this.active.inferenceId)
    this.pipeline = pipeline
  }

  snapshot(): Turn {
    return cloneTurn(this.latest)
  }

  running(): ExecutionHandle | undefined {
    return this.active
  }

  /**
   * `base` (default: this Session's latest snapshot) with the prompt appended, under a new turn id.
   * A base from elsewhere is the snapshot several instances share, or one loaded from the store.
   */
  seedWithPrompt(prompt: string, base: Turn = this.latest): Turn {
    const seed = appendBlocks(cloneTurn(base), userBlock(prompt))
    return {...seed, id: newId('turn')}
  }

  start(seed: Turn): ExecutionHandle {
    if (this.active) throw new RunInProgressError(this.active.inferenceId)
    const controller = new AbortController()
    const partial = new PartialTextTracker()
    const timeline = new RunTimelineRecorder()
    const ctx: RunContext = {
      sessionId: this.id,
      inferenceId: newId('inf'),
      turnId: seed.id,
      signal: controller.signal,
      sinks: [partial, timeline, ...this.pipeline.sinks],
    }
    const run = this.pipeline.run
    const done = withRunContext(ctx, () => this.execute(run, cloneTurn(seed), ctx, partial, timeline)).finally(() => {
      if (this.active === handle) this.active = undefined
    })
    const handle: ExecutionHandle = {
      inferenceId: ctx.inferenceId,
      turnId: ctx.turnId,
      startedAt: new Date(),
      wait: () => done,
      cancel: (failure) => controller.abort(failure),
    }
    this.active = handle
    return handle
  }

  private async execute(
    run: InferenceFn,
    seed: Turn,
    ctx: RunContext,
    partial: PartialTextTracker,
    timeline: RunTimelineRecorder,
  ): Promise<RunOutcome> {
    const outcome = await this.outcomeOf(run, seed, ctx, partial)
    // The run's last event, however it ended: clients learn the run is over without asking.
    publish({
      type: 'run-finished',
      status: outcome.status,
      ...(outcome.status === 'completed' && partial.stopReason !== undefined ? {stop_reason: partial.stopReason} : {}),
      ...(partial.usage !== undefined ? {usage: partial.usage} : {}),
      duration_ms: Date.now() - partial.runStartedAt,
      timeline: timeline.timeline(),
    })
    return outcome
  }

  private async outcomeOf(run: InferenceFn, seed: Turn, ctx: RunContext, partial: PartialTextTracker): Promise<RunOutcome> {
    try {
      const turn = await run(seed, ctx)
      this.latest = turn
      // A `deny` always ends the tool loop; the run then ended because of it, not by the model's choice.
      return {inferenceId: ctx.inferenceId, status: partial.denied ? 'denied' : 'completed', turn}
    } catch (error) {
      // Stopped with a failure (cancel(error)): that failure is the run's error, whatever the abort threw.
      const failure =
        ctx.signal.aborted && ctx.signal.reason instanceof Error && !isAbortError(ctx.signal.reason) ? ctx.signal.reason : undefined
      const cause = failure ?? (error instanceof RunInterruptedError ? error.cause : error)
      let turn = error instanceof RunInterruptedError ? error.turn : seed
      const open = partial.openMessage()
      if (!failure && (ctx.signal.aborted || isAbortError(cause))) {
        const text = partial.text
        if (text) turn = appendBlocks(turn, assistantTextBlock(text, {interrupted: true}))
        this.latest = turn
        // With the open message named, the interrupt also closes it (llm.final with the partial text).
        publish({type: 'interrupt', text}, open ?? {})
        return {inferenceId: ctx.inferenceId, status: 'cancelled', turn}
      }
      const message = cause instanceof Error ? cause.message : String(cause)
      const code = (cause as {code?: unknown} | undefined)?.code
      this.latest = turn
      publish({type: 'error', message, ...(typeof code === 'string' ? {code} : {}), ...(open ? {text: partial.text} : {})}, open ?? {})
      return {inferenceId: ctx.inferenceId, status: 'failed', turn, error: message}
    }
  }
}

/**
 * Follows the run's messages: the text streamed so far by the message in flight (so cancel can keep
 * it and close the message), and the usage and stop reason of the finished ones (for run-finished).
 */
class PartialTextTracker implements EventSink {
  readonly runStartedAt = Date.now()
  text = ''
  /** The message started and not finished yet. */
  private messageId: string | undefined
  private model: string | undefined
  private messageStartedAt = 0
  stopReason: string | undefined
  usage: Record<string, unknown> | undefined
  /** A step of this run was denied (`step-resumed` with action `deny`). */
  denied = false

  /** The open message's envelope fields, for the event that ends the run while it streams. */
  openMessage(): MetaExtra | undefined {
    if (this.messageId === undefined) return undefined
    return {
      message_id: this.messageId,
      ...(this.model !== undefined ? {model: this.model} : {}),
      duration_ms: Date.now() - this.messageStartedAt,
    }
  }

  publish(event: Event): void {
    switch (event.type) {
      case 'start':
        this.text = ''
        this.messageId = event.meta.message_id
        this.model = event.meta.model
        this.messageStartedAt = Date.now()
        break
      case 'partial':
        this.text = event.completion
        this.messageId = event.meta.message_id ?? this.messageId
        break
      case 'final':
        this.text = ''
        this.messageId = undefined
        if (event.meta.stop_reason !== undefined) this.stopReason = event.meta.stop_reason
        if (event.meta.usage !== undefined) this.usage = addUsage(this.usage, event.meta.usage)
        break
      case 'step-resumed':
        if (event.action === 'deny') this.denied = true
        break
      default:
        break
    }
  }
}

/** Sums the numeric fields of two usage records (tokens of several inferences); others: the latest. */
function addUsage(total: Record<string, unknown> | undefined, next: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {...total}
  for (const [key, value] of Object.entries(next)) {
    const before = out[key]
    out[key] = typeof value === 'number' && typeof before === 'number' ? before + value : value
  }
  return out
}
