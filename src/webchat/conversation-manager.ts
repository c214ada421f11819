import {singleInstanceOwnership, type RemoteRun, type RunOwnership} from '../bus/index.js'
import {RunInProgressError, type StepAction, type StepDecisionResult, type Turn} from '../core/index.js'
import {Conversation, type ConversationEngine} from './conversation.js'
import {signatureOf, type EngineBuilder, type Overrides, type RebuildCause, type ReloadNotice} from '../engine/index.js'
import {buildControlFrame} from '../sem/index.js'
import {wireConversation} from './conversation-wiring.js'
import {localRunsOf} from './multi-instance.js'
import {OrphanedRunReaper} from './orphaned-runs.js'
import {PublishFailureGuard} from './publish-failure.js'
import {rebuildRecord, type RebuildRecord} from './rebuild-record.js'
import type {SnapshotStore} from './snapshot-store.js'
import {MemoryConversationStore, type ConversationStore} from '../store/index.js'
import {listingOf, runEndOf, storedDetail, hydrate, storeSnapshots, titleOf, type ConversationListing} from './stored-conversations.js'
import {TooManyConversationsError, UnknownConversationError} from './conversation-errors.js'
import {
  CLOSE_DELETED,
  DEFAULT_MAX_CONVERSATIONS,
  type ConversationManagerOptions,
  type ConversationView,
  type StartedRun,
} from './conversation-manager-options.js'

export * from './conversation-manager-options.js'
export * from './conversation-errors.js'

/**
 * Owns every live conversation. `getOrCreate` builds the config a request asks for and compares
 * its signature with the live one: equal → reuse; different → rebuild (refused with
 * RunInProgressError while a run is going, never mid-run), recorded with a json-diff and announced
 * with a `conversation.rebuilt` frame. Conversations with no socket and no run are evicted.
 */
export class ConversationManager {
  private readonly conversations = new Map<string, Conversation>()
  private readonly publishFailures = new PublishFailureGuard()
  /** Bumped by each builder swap (`serve --watch`); `builtAt` is the generation a conversation's engine came from. */
  private generation = 0
  private lastReload: RebuildCause | undefined
  private readonly builtAt = new Map<string, number>()

  private readonly ownership: RunOwnership
  private readonly snapshots: SnapshotStore
  readonly store: ConversationStore
  /** Redis mode: ends the runs of instances that died (see orphaned-runs.ts). */
  private readonly reaper: OrphanedRunReaper | undefined

  constructor(private readonly options: ConversationManagerOptions) {
    this.ownership = options.ownership ?? singleInstanceOwnership
    this.store = options.store ?? new MemoryConversationStore()
    this.snapshots = options.snapshots ?? storeSnapshots(this.store)
    this.ownership.serve(localRunsOf(this))
    this.reaper = this.ownership.shared
      ? new OrphanedRunReaper(
          this.ownership,
          () => this.conversations.values(),
          (convId, error) => this.options.events?.storeError?.(convId, error, 'orphaned run check'),
        )
      : undefined
  }

  /** True when other instances share this bus (a client may carry a cursor this reader has not reached yet). */
  get multiInstance(): boolean {
    return this.ownership.shared
  }

  /**
   * Starts a run: claim the conversation (409 while any instance runs it) → get or create (or
   * rebuild) its engine → load the snapshot to continue from → start → when it ends, save the
   * snapshot, flush its events, release the claim. Throws UnknownProfileError, ConfigError or
   * RunInProgressError.
   */
  async startRun(
    convId: string,
    profile: string,
    overrides: Overrides,
    prompt: string,
    // What a recorder keeps of the request beside the prompt (the base manager does not use it).
    _request: {idempotencyKey?: string} = {},
  ): Promise<StartedRun> {
    const claim = await this.ownership.claim(convId)
    let started: StartedRun
    try {
      const {conversation, rebuilt} = await this.getOrCreate(convId, profile, overrides)
      const base = await this.snapshots.load(convId, conversation.snapshot())
      started = {conversation, handle: conversation.start(prompt, base), ...(rebuilt ? {rebuilt} : {})}
    } catch (error) {
      await claim.release()
      throw error
    }
    const {conversation, handle} = started
    const {config, signature} = conversation.engine
    this.persist(convId, 'conversation save', () =>
      this.store.upsertConversation({id: convId, profile: conversation.profile, signature: signature.hash, config, title: titleOf(prompt)}),
    )
    this.persist(convId, 'run start', () => this.store.runStarted(convId, handle.inferenceId))
    const ended = handle.wait()
    const saved = ended.then((outcome) =>
      this.snapshots
        .save(convId, outcome.turn)
        .catch((error: unknown) => this.options.events?.storeError?.(convId, error, 'snapshot save')),
    )
    // The claim is held until the run's events reached the bus and its snapshot is saved.
    claim.started(handle, Promise.all([ended.then(() => conversation.flush()), saved]))
    this.options.events?.runStarted?.(conversation, handle)
    void ended.then((outcome) => {
      this.persist(convId, 'run end', () => this.store.runEnded(convId, outcome.inferenceId, runEndOf(outcome)))
      this.options.events?.runEnded?.(conversation, outcome)
      this.runEnded(conversation)
    })
    return started
  }

  /** Cancels convId's run here or on the instance running it; `inferenceId` null when nothing ran. */
  async cancel(convId: string): Promise<{inferenceId: string | null}> {
    if (!this.conversations.get(convId)?.running()) {
      const remote = await this.ownership.cancelElsewhere(convId)
      if (remote) return remote
    }
    return {inferenceId: this.require(convId).cancel()?.inferenceId ?? null}
  }

  /** Answers a step-mode pause of convId's run, here or on the instance running it. */
  async step(convId: string, pauseId: string, action: StepAction): Promise<StepDecisionResult> {
    if (!this.conversations.get(convId)?.running()) {
      const remote = await this.ownership.stepElsewhere(convId, pauseId, action)
      if (remote) return remote
    }
    return this.require(convId).decideStep(pauseId, action)
  }

  /** The turn convId's next run continues from (the shared one in Redis mode), or undefined when none exists. */
  async snapshot(convId: string): Promise<{turn: Turn; store: SnapshotStore['kind']} | undefined> {
    const turn = await this.snapshots.load(convId, this.conversations.get(convId)?.snapshot())
    return turn ? {turn, store: this.snapshots.kind} : undefined
  }

  /** This instance's view of convId, with the run another instance holds, if any. Throws UnknownConversationError. */
  async view(convId: string): Promise<ConversationView> {
    const local = this.conversations.get(convId)
    const remote = local?.running() ? undefined : await this.remoteRun(convId)
    if (!local && remote) return {kind: 'remote', remote}
    if (!local) {
      const stored = await storedDetail(this.store, convId)
      if (stored) return {kind: 'stored', stored}
    }
    const detail = this.require(convId).detail()
    const title = (await this.store.get(convId).catch(() => undefined))?.title ?? ''
    return {kind: 'live', detail: {...detail, title}, ...(remote ? {remote} : {})}
  }

  /** Every conversation the store keeps, live ones with their live state, most recent activity first. */
  async listAll(): Promise<ConversationListing[]> {
    const stored = new Map((await this.store.list()).map((s) => [s.id, s]))
    const rows: ConversationListing[] = []
    for (const c of this.list()) rows.push({...c.describe(), title: stored.get(c.id)?.title ?? '', stored: stored.has(c.id), live: true})
    for (const s of stored.values()) if (!this.conversations.has(s.id)) rows.push(listingOf(s))
    return rows.sort((a, b) => Date.parse(b.last_activity) - Date.parse(a.last_activity))
  }

  /** Renames a stored conversation; false when there is none. */
  rename(convId: string, title: string): Promise<boolean> {
    return this.store.rename(convId, title)
  }

  /** Forgets a conversation: its sockets are closed, its store rows removed. RunInProgressError while it runs. */
  async remove(convId: string): Promise<boolean> {
    const live = this.conversations.get(convId)
    const running = live?.running()
    if (running) throw new RunInProgressError(running.inferenceId)
    if (live) {
      await live.pool.closeAll(CLOSE_DELETED, 'conversation deleted')
      this.evict(live)
    }
    return (await this.store.delete(convId)) || live !== undefined
  }

  /** A store write that must not fail the request or the run: errors are reported, once each. */
  private persist(convId: string, what: string, write: () => Promise<unknown>): void {
    write().catch((error: unknown) => this.options.events?.storeError?.(convId, error, what))
  }

  /** The live conversation, or UnknownConversationError. */
  require(convId: string): Conversation {
    const conversation = this.conversations.get(convId)
    if (!conversation) throw new UnknownConversationError(convId)
    return conversation
  }

  /** The run another instance holds; unknown (undefined) while the lock cannot be read. */
  private async remoteRun(convId: string): Promise<RemoteRun | undefined> {
    try {
      return await this.ownership.runningElsewhere(convId)
    } catch (error) {
      this.options.events?.storeError?.(convId, error, 'run lock read')
      return undefined
    }
  }

  get builder(): EngineBuilder {
    return this.options.builder
  }

  /**
   * Swaps the builder (config file or plugins reloaded); each conversation rebuilds on its next
   * request, and its rebuild record names `cause` (the file, the plugin) unless the request itself
   * changed the profile.
   */
  setBuilder(builder: EngineBuilder, cause: RebuildCause = {source: 'file'}): void {
    this.options.builder = builder
    this.generation++
    this.lastReload = cause
  }

  /** A `server.notice` frame (built once per conversation by the control frame builder) on every open socket. */
  notice(notice: ReloadNotice): void {
    const body = {
      type: 'server.notice' as const,
      level: notice.kind === 'reload-failed' ? ('error' as const) : ('info' as const),
      ...notice,
    }
    const now = Date.now()
    for (const c of this.conversations.values()) if (c.pool.size > 0) c.pool.broadcast(buildControlFrame(body, c.id, now))
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
      const conversation = await this.create(convId, {config, signature, built: this.options.builder.buildFromConfig(convId, config)})
      this.builtAt.set(convId, this.generation)
      await conversation.ready
      return {conversation}
    }
    await existing.ready
    if (existing.engine.signature.hash === signature.hash) {
      this.builtAt.set(convId, this.generation)
      return {conversation: existing}
    }
    const running = existing.running()
    if (running) throw new RunInProgressError(running.inferenceId)
    const next: ConversationEngine = {config, signature, built: this.options.builder.buildFromConfig(convId, config)}
    // A reload since this engine was built, on the same profile: the file (or plugin) changed it.
    const reloaded = this.lastReload !== undefined && (this.builtAt.get(convId) ?? this.generation) < this.generation
    const why = existing.profile !== profile ? `profile ${existing.profile} → ${profile}` : reloaded ? this.lastReload! : cause
    const record = rebuildRecord(existing.engine, next, why)
    this.builtAt.set(convId, this.generation)
    existing.replaceEngine(next, record)
    this.persist(convId, 'rebuild record', () => this.store.recordRebuild(convId, {...record}))
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
    // A conversation kept in the store comes back on the profile it was on.
    const stored = await this.store.get(convId).catch(() => undefined)
    return (await this.getOrCreate(convId, stored?.profile ?? profile)).conversation
  }

  /**
   * Cancels every run and waits (bounded) for them to end, then (bounded again) for their events to
   * reach the bus. Returns the conversations with events still unpublished: during a Redis outage a
   * stopped run's end is retried for minutes, and shutdown must not wait for it (another instance's
   * reaper ends such a run with `instance_lost`).
   */
  async cancelAll(timeoutMs = 2000, flushTimeoutMs = 5000): Promise<{convId: string; pending: number}[]> {
    const waits: Promise<unknown>[] = []
    for (const c of this.conversations.values()) {
      const run = c.running()
      if (!run) continue
      run.cancel()
      waits.push(run.wait())
    }
    await within(Promise.all(waits), timeoutMs)
    const all = [...this.conversations.values()]
    await within(Promise.all(all.map((c) => c.sink.flush())), flushTimeoutMs)
    return all.filter((c) => c.sink.pending > 0).map((c) => ({convId: c.id, pending: c.sink.pending}))
  }

  /** Closes every socket (close frame `code`) and unsubscribes every coordinator. */
  async closeAll(code: number, reason: string): Promise<void> {
    this.reaper?.stop()
    const all = [...this.conversations.values()]
    await Promise.all(all.map((c) => c.pool.closeAll(code, reason)))
    await Promise.all(all.map((c) => c.coordinator.stop()))
    for (const c of all) c.pool.dispose()
    this.conversations.clear()
  }

  private async create(convId: string, engine: ConversationEngine): Promise<Conversation> {
    const events = this.options.events
    // After a restart the log continues from the store: same seqs, so clients resume by after_seq.
    const hydrated = await hydrate(this.store, convId, this.options.frameLogCapacity, (error, what) =>
      events?.storeError?.(convId, error, what),
    )
    const raced = this.conversations.get(convId)
    if (raced) return raced
    this.makeRoom()
    const conversation = wireConversation(convId, engine, hydrated, {
      options: this.options,
      store: this.store,
      onPublishError: (error, event) => {
        if (this.publishFailures.shouldReport(event)) events?.busError?.(convId, error)
        // A run whose events cannot be published ends with an error instead of going on unseen.
        const live = this.conversations.get(convId)
        return live ? this.publishFailures.handle(live, event, error) : undefined
      },
      onIdle: () => this.evictIfIdle(convId),
    })
    this.conversations.set(convId, conversation)
    this.reaper?.watch(conversation)
    conversation.ready.catch(() => this.conversations.delete(convId))
    events?.created?.(conversation)
    return conversation
  }

  /** Called when a run ends: an empty pool starts counting towards eviction again. */
  private runEnded(conversation: Conversation): void {
    conversation.lastActivity = Date.now()
    conversation.pool.armIdleTimer()
  }

  /** Evicts the least recently active idle conversation when the cap is reached; throws when none is idle. */
  private makeRoom(): void {
    const limit = this.options.maxConversations ?? DEFAULT_MAX_CONVERSATIONS
    if (this.conversations.size < limit) return
    let oldest: Conversation | undefined
    for (const c of this.conversations.values()) {
      if (c.pool.size > 0 || c.running()) continue
      if (!oldest || c.lastActivity < oldest.lastActivity) oldest = c
    }
    if (!oldest) throw new TooManyConversationsError(limit)
    this.evict(oldest)
  }

  private evictIfIdle(convId: string): void {
    const c = this.conversations.get(convId)
    if (!c || c.pool.size > 0) return
    if (c.running()) return // runEnded re-arms the timer
    this.evict(c)
  }

  /** Drops an idle conversation from memory; the store keeps it, and a later join hydrates it again. */
  private evict(c: Conversation): void {
    this.conversations.delete(c.id)
    this.builtAt.delete(c.id)
    this.reaper?.forget(c.id)
    c.pool.dispose()
    void c.coordinator.stop()
    this.options.events?.evicted?.(c.id)
  }
}

/** Waits for `work`, or `ms`, whichever comes first. */
function within(work: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([work, new Promise((resolve) => setTimeout(resolve, ms).unref())])
}
