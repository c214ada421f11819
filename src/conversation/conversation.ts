import {
  newId,
  publishTo,
  type Event,
  type EventBody,
  type ExecutionHandle,
  type PendingPause,
  type EventOrigin,
  type Session,
  type StepAction,
  type StepDecisionResult,
  type Turn,
} from '../core/index.js'
import type {BuiltEngine, EngineConfig, Signature} from '../engine/index.js'
import type {StreamCoordinator} from '../sem/index.js'
import type {BusSink} from './bus-sink.js'
import type {ConversationHooks, RunRequest} from './hooks.js'
import type {RebuildRecord} from './rebuild-record.js'
import {RunEventLog} from './run-event-log.js'
import {MAX_RUN_TIMELINES, type ConversationDetail, type ConversationSummary, type RunTimelineEntry} from './conversation-view.js'

/** What a conversation runs with now: its config, signature and built engine. */
export interface ConversationEngine {
  readonly config: EngineConfig
  readonly signature: Signature
  readonly built: BuiltEngine
}

/**
 * Where a conversation's frames go live besides the store: webchat's ConnectionPool (its sockets),
 * or nowhere (`NO_AUDIENCE`: rerun, runOnce). The conversation only counts and broadcasts to it; its
 * owner (the manager) adds sockets and closes them.
 */
export interface FrameAudience {
  readonly size: number
  broadcast(json: string): void
}

export const NO_AUDIENCE: FrameAudience = {size: 0, broadcast: () => undefined}

/**
 * The read side of a conversation's frames: its last seq, its FrameLog (absent when not kept) and
 * live frames. What a socket joining by cursor needs, and nothing that could change the stream.
 */
export type FrameCursor = Pick<StreamCoordinator, 'convId' | 'lastSeq' | 'log' | 'onFrame'>

/** What `wireConversation` hands the Conversation it builds: the parts of the one data path. */
export interface ConversationParts<A extends FrameAudience> {
  readonly session: Session
  readonly sink: BusSink
  readonly coordinator: StreamCoordinator
  readonly audience: A
  /** Resolves once the coordinator is subscribed. */
  readonly ready: Promise<void>
  readonly hooks: ConversationHooks
}

/**
 * One live conversation: runs go through its Session, every event through the sink to the bus, and
 * back through the coordinator as frames to its audience. Callers use operations (start, cancel,
 * decideStep, replaceEngine, publish, stop…); the parts stay inside (built by `wireConversation`).
 */
export class Conversation<A extends FrameAudience = FrameAudience> {
  readonly createdAt = new Date()
  lastActivity = Date.now()
  readonly rebuilds: RebuildRecord[] = []
  /** The latest run's events from its start (fed by the coordinator): what the UI Message Stream replays and follows. */
  readonly runEvents = new RunEventLog()
  /** The latest runs' ends with their timelines (newest last, at most MAX_RUN_TIMELINES), for `explain --runs`. */
  readonly timelines: RunTimelineEntry[] = []
  /** Resolves once the coordinator is subscribed (frames flow from then on). */
  readonly ready: Promise<void>
  private current: ConversationEngine
  private readonly session: Session
  private readonly sink: BusSink
  private readonly coordinator: StreamCoordinator
  private readonly hooks: ConversationHooks
  /** Where live frames go (webchat: the sockets, which its owner adds and closes). */
  readonly audience: A

  constructor(
    readonly id: string,
    engine: ConversationEngine,
    parts: ConversationParts<A>,
  ) {
    this.current = engine
    this.session = parts.session
    this.sink = parts.sink
    this.coordinator = parts.coordinator
    this.audience = parts.audience
    this.ready = parts.ready
    this.hooks = parts.hooks
  }

  get engine(): ConversationEngine {
    return this.current
  }

  get profile(): string {
    return this.current.config.profile
  }

  /** Seq of the last frame made (0 before the first). */
  get lastSeq(): number {
    return this.coordinator.lastSeq
  }

  /** The frames side: last seq, the FrameLog, live frames (sockets joining by cursor). */
  get frames(): FrameCursor {
    return this.coordinator
  }

  /** Events handed to the sink and not yet accepted by the bus. */
  get unpublished(): number {
    return this.sink.pending
  }

  running(): ExecutionHandle | undefined {
    return this.session.running()
  }

  pendingPause(): PendingPause | undefined {
    return this.current.built.step.pending()
  }

  /** Every decoded event of the stream, in seq order, after its frames went out (with its bus entry id); returns the remover. */
  onEvent(listener: (event: Event, seq: number, streamId?: string) => void): () => void {
    return this.coordinator.onEvent(listener)
  }

  /** Publishes an event of this conversation through the one sink (an orphaned run's end, made by another reader). */
  publish(origin: EventOrigin, body: EventBody): void {
    publishTo([this.sink], origin, body)
  }

  /** Swaps the engine for later runs; throws RunInProgressError while a run is going. */
  replaceEngine(engine: ConversationEngine, record: RebuildRecord): void {
    this.session.setPipeline({run: engine.built.run, sinks: [this.sink, ...engine.built.sinks]})
    this.current = engine
    this.rebuilds.push(record)
    // Through the bus like every other frame, so every reader numbers it alike.
    this.publish(
      {sessionId: this.id, inferenceId: newId('rebuild'), turnId: newId('turn')},
      {type: 'conversation-rebuilt', record: {...record}},
    )
  }

  /**
   * Starts a run on the prompt, continuing from `base` (a snapshot shared by the instances or read
   * from the store) or else this Session's own; throws RunInProgressError while one is going.
   * `request` is what the caller asked for beside the prompt; the `runStarted` hook gets it (recorders).
   */
  start(prompt: string, request: RunRequest = {}, base?: Turn): ExecutionHandle {
    this.lastActivity = Date.now()
    const handle = this.session.start(this.session.seedWithPrompt(prompt, base))
    this.hooks.runStarted?.({
      profile: this.profile,
      overrides: {...(request.overrides ?? {})},
      prompt,
      ...(request.idempotencyKey !== undefined ? {idempotency_key: request.idempotencyKey} : {}),
      config: {...this.current.config},
      signature: this.current.signature.hash,
      inference_id: handle.inferenceId,
    })
    return handle
  }

  /** Cancels the running inference; what was cancelled, or undefined when nothing runs. */
  cancel(): {inferenceId: string} | undefined {
    const run = this.running()
    run?.cancel()
    return run ? {inferenceId: run.inferenceId} : undefined
  }

  /** Answers the current step-mode pause. */
  decideStep(pauseId: string, action: StepAction): StepDecisionResult {
    return this.current.built.step.decide(pauseId, action)
  }

  /** The turn the next run continues from (a copy). */
  snapshot(): Turn {
    return this.session.snapshot()
  }

  /** Waits until every event published so far reached the bus. */
  flush(): Promise<void> {
    return this.sink.flush()
  }

  /** Stops reading the bus (eviction, shutdown); the conversation makes no more frames. */
  stop(): Promise<void> {
    return this.coordinator.stop()
  }

  describe(): ConversationSummary {
    const running = this.running()
    return {
      conv_id: this.id,
      profile: this.profile,
      signature: this.current.signature.hash,
      running: running !== undefined,
      inference_id: running?.inferenceId ?? null,
      last_seq: this.coordinator.lastSeq,
      sockets: this.audience.size,
      created_at: this.createdAt.toISOString(),
      last_activity: new Date(this.lastActivity).toISOString(),
      rebuild_count: this.rebuilds.length,
    }
  }

  /** Keeps a finished run's timeline (what `GET /api/conversations/{id}` lists as `timelines`). */
  noteRunFinished(event: Extract<Event, {type: 'run-finished'}>): void {
    this.timelines.push({
      inference_id: event.meta.inference_id,
      status: event.status,
      duration_ms: event.duration_ms,
      ...(event.stop_reason !== undefined ? {stop_reason: event.stop_reason} : {}),
      ...(event.usage !== undefined ? {usage: event.usage} : {}),
      ...(event.timeline !== undefined ? {timeline: event.timeline} : {}),
    })
    if (this.timelines.length > MAX_RUN_TIMELINES) this.timelines.splice(0, this.timelines.length - MAX_RUN_TIMELINES)
  }

  detail(): ConversationDetail {
    const pause = this.pendingPause()
    return {
      ...this.describe(),
      signature_canonical: this.current.signature.canonical,
      config: this.current.config,
      rebuilds: [...this.rebuilds],
      timelines: [...this.timelines],
      pending_pause: pause
        ? {pause_id: pause.pauseId, phase: pause.phase, tool_calls: [...pause.toolCalls], deadline: pause.deadline.toISOString()}
        : null,
      turn: this.snapshot(),
    }
  }
}
