import type {InferenceFn} from './engine.js'
import {isAbortError, RunInProgressError} from './errors.js'
import type {Event} from './events.js'
import {newId} from './ids.js'
import {publish, withRunContext, type EventSink, type RunContext} from './run-context.js'
import {RunInterruptedError} from './tool-loop.js'
import {appendBlocks, assistantTextBlock, cloneTurn, newTurn, userBlock, type Turn} from './turn.js'

export type RunStatus = 'completed' | 'cancelled' | 'failed'

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
  /** Aborts the run: the provider request, any running tool, any step pause. Idempotent. */
  cancel(): void
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
    const ctx: RunContext = {
      sessionId: this.id,
      inferenceId: newId('inf'),
      turnId: seed.id,
      signal: controller.signal,
      sinks: [partial, ...this.pipeline.sinks],
    }
    const run = this.pipeline.run
    const done = withRunContext(ctx, () => this.execute(run, cloneTurn(seed), ctx, partial)).finally(() => {
      if (this.active === handle) this.active = undefined
    })
    const handle: ExecutionHandle = {
      inferenceId: ctx.inferenceId,
      turnId: ctx.turnId,
      startedAt: new Date(),
      wait: () => done,
      cancel: () => controller.abort(),
    }
    this.active = handle
    return handle
  }

  private async execute(run: InferenceFn, seed: Turn, ctx: RunContext, partial: PartialTextTracker): Promise<RunOutcome> {
    try {
      const turn = await run(seed, ctx)
      this.latest = turn
      return {inferenceId: ctx.inferenceId, status: 'completed', turn}
    } catch (error) {
      const cause = error instanceof RunInterruptedError ? error.cause : error
      let turn = error instanceof RunInterruptedError ? error.turn : seed
      if (ctx.signal.aborted || isAbortError(cause)) {
        const text = partial.text
        if (text) turn = appendBlocks(turn, assistantTextBlock(text, {interrupted: true}))
        this.latest = turn
        publish({type: 'interrupt', text}, partial.messageId ? {message_id: partial.messageId} : {})
        return {inferenceId: ctx.inferenceId, status: 'cancelled', turn}
      }
      const message = cause instanceof Error ? cause.message : String(cause)
      const code = (cause as {code?: unknown} | undefined)?.code
      this.latest = turn
      publish(
        {type: 'error', message, ...(typeof code === 'string' ? {code} : {})},
        partial.messageId ? {message_id: partial.messageId} : {},
      )
      return {inferenceId: ctx.inferenceId, status: 'failed', turn, error: message}
    }
  }
}

/** Remembers the text streamed so far for the message in flight, so cancel can keep it. */
class PartialTextTracker implements EventSink {
  text = ''
  messageId: string | undefined
  publish(event: Event): void {
    switch (event.type) {
      case 'start':
        this.text = ''
        this.messageId = event.meta.message_id
        break
      case 'partial':
        this.text = event.completion
        this.messageId = event.meta.message_id ?? this.messageId
        break
      case 'final':
        this.text = ''
        break
      default:
        break
    }
  }
}
