import {
  newId,
  publishTo,
  Session,
  type ExecutionHandle,
  type PendingPause,
  type StepAction,
  type StepDecisionResult,
  type Turn,
  type Event,
  type RunTimeline,
} from '../core/index.js'
import type {BusSink} from './bus-sink.js'
import type {ConnectionPool} from './connection-pool.js'
import type {BuiltEngine, EngineConfig, Signature} from '../engine/index.js'
import type {RebuildRecord} from './rebuild-record.js'
import type {StreamCoordinator} from '../sem/stream-coordinator.js'
import {RunEventLog} from './ui-message-stream/run-event-log.js'

/** What a conversation runs with now: its config, signature and built engine. */
export interface ConversationEngine {
  readonly config: EngineConfig
  readonly signature: Signature
  readonly built: BuiltEngine
}

/**
 * One live conversation: its Session (runs), the sink that publishes its events to the bus, the
 * coordinator that reads them back as frames, and the sockets watching it.
 */
export class Conversation {
  readonly createdAt = new Date()
  lastActivity = Date.now()
  readonly rebuilds: RebuildRecord[] = []
  /** The latest run's events from its start (fed by the coordinator): what the UI Message Stream replays and follows. */
  readonly runEvents = new RunEventLog()
  /** The latest runs' ends with their timelines (newest last, at most MAX_RUN_TIMELINES), for `explain --runs`. */
  readonly timelines: RunTimelineEntry[] = []
  private current: ConversationEngine

  constructor(
    readonly id: string,
    engine: ConversationEngine,
    readonly session: Session,
    readonly sink: BusSink,
    readonly coordinator: StreamCoordinator,
    readonly pool: ConnectionPool,
    /** Resolves once the coordinator is subscribed. */
    readonly ready: Promise<void>,
  ) {
    this.current = engine
  }

  get engine(): ConversationEngine {
    return this.current
  }

  get profile(): string {
    return this.current.config.profile
  }

  running(): ExecutionHandle | undefined {
    return this.session.running()
  }

  pendingPause(): PendingPause | undefined {
    return this.current.built.step.pending()
  }

  /** Swaps the engine for later runs; throws RunInProgressError while a run is going. */
  replaceEngine(engine: ConversationEngine, record: RebuildRecord): void {
    this.session.setPipeline({run: engine.built.run, sinks: [this.sink, ...engine.built.sinks]})
    this.current = engine
    this.rebuilds.push(record)
    // Through the bus like every other frame, so every reader numbers it alike.
    publishTo(
      [this.sink],
      {sessionId: this.id, inferenceId: newId('rebuild'), turnId: newId('turn')},
      {type: 'conversation-rebuilt', record: {...record}},
    )
  }

  /**
   * Starts a run on the prompt, continuing from `base` (a snapshot shared by the instances or read
   * from the store) or else this Session's own; throws RunInProgressError while one is going.
   */
  start(prompt: string, base?: Turn): ExecutionHandle {
    this.lastActivity = Date.now()
    return this.session.start(this.session.seedWithPrompt(prompt, base))
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

  describe(): ConversationSummary {
    const running = this.running()
    return {
      conv_id: this.id,
      profile: this.profile,
      signature: this.current.signature.hash,
      running: running !== undefined,
      inference_id: running?.inferenceId ?? null,
      last_seq: this.coordinator.lastSeq,
      sockets: this.pool.size,
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

export interface ConversationSummary {
  readonly conv_id: string
  readonly profile: string
  readonly signature: string
  readonly running: boolean
  readonly inference_id: string | null
  readonly last_seq: number
  readonly sockets: number
  readonly created_at: string
  readonly last_activity: string
  readonly rebuild_count: number
}

export interface ConversationDetail extends ConversationSummary {
  readonly signature_canonical: string
  readonly config: EngineConfig
  readonly rebuilds: RebuildRecord[]
  readonly timelines: RunTimelineEntry[]
  readonly pending_pause: {pause_id: string; phase: string; tool_calls: unknown[]; deadline: string} | null
  readonly turn: unknown
}

/** How many finished runs a live conversation keeps the timeline of. */
export const MAX_RUN_TIMELINES = 50

/** One finished run: how it ended and where its time went. */
export interface RunTimelineEntry {
  readonly inference_id: string
  readonly status: string
  readonly duration_ms: number
  readonly stop_reason?: string
  readonly usage?: Record<string, unknown>
  readonly timeline?: RunTimeline
}
