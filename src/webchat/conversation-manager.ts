import type {Publisher} from '../bus/index.js'
import {RunInProgressError, Session} from '../core/index.js'
import {BusSink, type BusSinkOptions} from './bus-sink.js'
import {ConnectionPool, type DropReason} from './connection-pool.js'
import {Conversation, type ConversationEngine} from './conversation.js'
import {signatureOf, type EngineBuilder, type Overrides} from '../engine/index.js'
import {FrameLog} from '../sem/frame-log.js'
import {PublishFailureGuard} from './publish-failure.js'
import {rebuildRecord, type RebuildRecord} from './rebuild-record.js'
import {StreamCoordinator, type CoordinatorProblem} from '../sem/stream-coordinator.js'
import type {SubscriberFactory} from './subscriber-factory.js'

export interface ConversationManagerOptions {
  builder: EngineBuilder
  readonly publisher: Publisher
  readonly subscriberFactory: SubscriberFactory
  /** Evict a conversation with no socket and no run after this long. */
  readonly idleTimeoutMs: number
  readonly maxBufferedBytes: number
  readonly frameLogCapacity: number
  readonly frameLogMaxBytes: number
  readonly events?: ConversationManagerEvents
  /** Per-conversation BusSink options (a Redis bus makes the sink the single writer: `firstSeq`). */
  readonly sinkOptions?: (convId: string) => Omit<BusSinkOptions, 'onError'>
}

/** What the manager tells the server (logs, recorders, watchers). All optional. */
export interface ConversationManagerEvents {
  created?(conversation: Conversation): void
  rebuilt?(conversation: Conversation, record: RebuildRecord): void
  evicted?(convId: string): void
  dropped?(convId: string, reason: DropReason): void
  problem?(convId: string, problem: CoordinatorProblem): void
  busError?(convId: string, error: unknown): void
}

/**
 * Owns every live conversation. `getOrCreate` builds the config a request asks for and compares
 * its signature with the live one: equal → reuse; different → rebuild (refused with
 * RunInProgressError while a run is going, never mid-run), recorded with a json-diff and announced
 * with a `conversation.rebuilt` frame. Conversations with no socket and no run are evicted.
 */
export class ConversationManager {
  private readonly conversations = new Map<string, Conversation>()
  private readonly publishFailures = new PublishFailureGuard()

  constructor(private readonly options: ConversationManagerOptions) {}

  get builder(): EngineBuilder {
    return this.options.builder
  }

  /** Swaps the builder (config file or plugins reloaded); each conversation rebuilds on its next request. */
  setBuilder(builder: EngineBuilder): void {
    this.options.builder = builder
  }

  get(convId: string): Conversation | undefined {
    return this.conversations.get(convId)
  }

  list(): Conversation[] {
    return [...this.conversations.values()].sort((a, b) => b.lastActivity - a.lastActivity)
  }

  /**
   * The conversation running `profile` + `overrides`, created or rebuilt as needed. Throws
   * UnknownProfileError, ConfigError (naming the field) or RunInProgressError (rebuild while running).
   */
  async getOrCreate(
    convId: string,
    profile: string,
    overrides: Overrides = {},
    cause = 'request',
  ): Promise<{conversation: Conversation; rebuilt?: RebuildRecord}> {
    const config = this.options.builder.buildConfig(profile, overrides)
    const signature = signatureOf(config)
    const existing = this.conversations.get(convId)
    if (!existing) {
      const conversation = this.create(convId, {config, signature, built: this.options.builder.buildFromConfig(convId, config)})
      await conversation.ready
      return {conversation}
    }
    await existing.ready
    if (existing.engine.signature.hash === signature.hash) return {conversation: existing}
    const running = existing.running()
    if (running) throw new RunInProgressError(running.inferenceId)
    const next: ConversationEngine = {config, signature, built: this.options.builder.buildFromConfig(convId, config)}
    const record = rebuildRecord(existing.engine, next, existing.profile !== profile ? `profile ${existing.profile} → ${profile}` : cause)
    existing.replaceEngine(next, record)
    this.options.events?.rebuilt?.(existing, record)
    return {conversation: existing, rebuilt: record}
  }

  /** A socket joining: the live conversation as it is, or a new one on `profile`. */
  async join(convId: string, profile: string): Promise<Conversation> {
    const existing = this.conversations.get(convId)
    if (existing) {
      await existing.ready
      return existing
    }
    return (await this.getOrCreate(convId, profile)).conversation
  }

  /** Cancels every run and waits (bounded) for them to end. */
  async cancelAll(timeoutMs = 2000): Promise<void> {
    const waits: Promise<unknown>[] = []
    for (const c of this.conversations.values()) {
      const run = c.running()
      if (!run) continue
      run.cancel()
      waits.push(run.wait())
    }
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, timeoutMs).unref())])
    await Promise.all([...this.conversations.values()].map((c) => c.sink.flush()))
  }

  /** Closes every socket (close frame `code`) and unsubscribes every coordinator. */
  async closeAll(code: number, reason: string): Promise<void> {
    const all = [...this.conversations.values()]
    await Promise.all(all.map((c) => c.pool.closeAll(code, reason)))
    await Promise.all(all.map((c) => c.coordinator.stop()))
    for (const c of all) c.pool.dispose()
    this.conversations.clear()
  }

  private create(convId: string, engine: ConversationEngine): Conversation {
    const events = this.options.events
    const sink = new BusSink(this.options.publisher, convId, {
      ...this.options.sinkOptions?.(convId),
      onError: (error, event) => {
        events?.busError?.(convId, error)
        // A run whose events cannot be published ends with an error instead of going on unseen.
        const conversation = this.conversations.get(convId)
        if (conversation) this.publishFailures.handle(conversation, event, error)
      },
    })
    const session = new Session(convId, {run: engine.built.run, sinks: [sink, ...engine.built.sinks]})
    const pool = new ConnectionPool({
      maxBufferedBytes: this.options.maxBufferedBytes,
      idleMs: this.options.idleTimeoutMs,
      onIdle: () => this.evictIfIdle(convId),
      onDrop: (reason) => events?.dropped?.(convId, reason),
    })
    const coordinator = new StreamCoordinator({
      convId,
      frameLog: new FrameLog(this.options.frameLogCapacity, this.options.frameLogMaxBytes),
      onFrame: (frame) => pool.broadcast(frame.json),
      onProblem: (problem) => events?.problem?.(convId, problem),
    })
    const ready = coordinator.start(this.options.subscriberFactory(convId))
    const conversation = new Conversation(convId, engine, session, sink, coordinator, pool, ready)
    this.conversations.set(convId, conversation)
    ready.catch(() => this.conversations.delete(convId))
    events?.created?.(conversation)
    return conversation
  }

  /** Called when a run ends: an empty pool starts counting towards eviction again. */
  runEnded(conversation: Conversation): void {
    conversation.lastActivity = Date.now()
    conversation.pool.armIdleTimer()
  }

  private evictIfIdle(convId: string): void {
    const c = this.conversations.get(convId)
    if (!c || c.pool.size > 0) return
    if (c.running()) return // runEnded re-arms the timer
    this.conversations.delete(convId)
    c.pool.dispose()
    void c.coordinator.stop()
    this.options.events?.evicted?.(convId)
  }
}
