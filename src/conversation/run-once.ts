import {MemoryBus} from '../bus/index.js'
import {newId, type Event, type PendingPause, type RunOutcome, type StepAction} from '../core/index.js'
import type {PluginCatalog, ResourceScope} from '../plugins/index.js'
import {startCassetteRecorder, startCassetteReplay} from '../providers/cassette/index.js'
import {
  EngineBuilder,
  loadConfig,
  loadEngineBuilder,
  signatureOf,
  type EngineConfig,
  type EngineFactory,
  type EngineOverrides,
} from '../engine/index.js'
import {NO_AUDIENCE} from './conversation.js'
import {combineHooks, type ConversationHooks} from './hooks.js'
import {wireConversation} from './wiring.js'

export interface RunOnceOptions {
  readonly prompt: string
  /** The one-shot conversation's id (default: a new `conv_…`); a recorder picks it to follow the run's HTTP exchanges. */
  readonly convId?: string
  readonly profile?: string
  readonly configPath?: string
  readonly cwd?: string
  readonly overrides?: EngineOverrides
  readonly env?: NodeJS.ProcessEnv
  /** Use exactly these plugins instead of loading them (tests). */
  readonly catalog?: PluginCatalog
  /** oclif data dir to find installed plugins in (default: like oclif, from the environment). */
  readonly dataDir?: string | false
  readonly engineFactory?: EngineFactory
  /** Called for every event as it is published (live terminal output). */
  readonly onEvent?: (event: Event) => void
  /** Aborting it cancels the run (Ctrl-C). */
  readonly signal?: AbortSignal
  /**
   * Step mode: answers each pause (a terminal prompt, `--step ACTION`). When it throws, the run is
   * cancelled and runOnce rejects with that error. Without it a pause waits for its deadline.
   */
  readonly onStepPause?: (pause: PendingPause, signal: AbortSignal) => Promise<StepAction> | StepAction
  /** Record provider HTTP exchanges to a cassette dir, or serve them back from one (no network). */
  readonly providerCassette?: {readonly mode: 'record' | 'replay'; readonly dir: string}
  /** Followers of the run's conversation (a recorder: `jiminy run --record`). */
  readonly hooks?: ConversationHooks
  /** Plugin resources to use and leave open (tests read a memory subscriber's buffer); default: a scope closed when the run ends. */
  readonly resources?: ResourceScope
}

export interface RunOnceResult {
  readonly outcome: RunOutcome
  readonly events: Event[]
  readonly config: EngineConfig
  /** The one-shot conversation's id. */
  readonly convId: string
}

/** One prompt, one run, through the same builder and conversation wiring the server uses. */
export async function runOnce(options: RunOnceOptions): Promise<RunOnceResult> {
  const cassette = options.providerCassette
  if (!cassette) return runWithBuilder(options)
  const handle = cassette.mode === 'record' ? await startCassetteRecorder(cassette.dir) : await startCassetteReplay(cassette.dir)
  try {
    return await runWithBuilder(options)
  } finally {
    await handle.stop()
  }
}

async function runWithBuilder(options: RunOnceOptions): Promise<RunOnceResult> {
  const builder = await builderFor(options)
  const profile = options.profile ?? builder.config.default_profile
  let config: EngineConfig
  try {
    await builder.prepare(profile, options.overrides ?? {})
    config = builder.buildConfig(profile, options.overrides ?? {})
  } catch (error) {
    // Nothing else will close it: the MCP servers it started must not outlive the failed run.
    if (!options.resources) await builder.close()
    throw error
  }
  const convId = options.convId ?? newId('conv')
  const built = builder.buildFromConfig(convId, config)
  const bus = new MemoryBus()
  const events: Event[] = []
  const stopPrompts = new AbortController()
  let pauseFailure: {error: unknown} | undefined
  const answerPauses = options.onStepPause
  const answer = (pauseId: string) => {
    const pending = built.step.pending()
    if (!answerPauses || !pending || pending.pauseId !== pauseId) return
    void Promise.resolve()
      .then(() => answerPauses(pending, stopPrompts.signal))
      .then(
        (action) => built.step.decide(pending.pauseId, action),
        (error: unknown) => {
          if (stopPrompts.signal.aborted) return
          pauseFailure ??= {error}
          // Called after a pause, so long after the conversation below is wired.
          conversation.cancel()
        },
      )
  }
  // The one wiring, on a bus of its own: what the terminal shows went through the server's encoding.
  const conversation = wireConversation({
    convId,
    engine: {config, signature: signatureOf(config), built},
    publisher: bus,
    subscriber: bus,
    audience: NO_AUDIENCE,
    frameLog: false,
    hooks: combineHooks(
      {
        event: (event) => {
          events.push(event)
          options.onEvent?.(event)
          if (event.type === 'step-paused') answer(event.pause_id)
        },
      },
      options.hooks,
    ),
  })
  await conversation.ready
  const run = conversation.start(options.prompt, {...(options.overrides ? {overrides: options.overrides} : {})})
  const cancel = () => {
    stopPrompts.abort()
    run.cancel()
  }
  if (options.signal?.aborted) cancel()
  options.signal?.addEventListener('abort', cancel, {once: true})
  try {
    const outcome = await run.wait()
    await conversation.flush()
    stopPrompts.abort()
    if (pauseFailure) throw pauseFailure.error
    return {outcome, events, config, convId}
  } finally {
    options.signal?.removeEventListener('abort', cancel)
    await conversation.stop()
    await bus.close()
    if (!options.resources) await builder.close()
  }
}

async function builderFor(options: RunOnceOptions): Promise<EngineBuilder> {
  const common = {
    ...(options.env ? {env: options.env} : {}),
    ...(options.engineFactory ? {engineFactory: options.engineFactory} : {}),
    ...(options.resources ? {resources: options.resources} : {}),
  }
  if (!options.catalog) {
    return loadEngineBuilder({
      ...common,
      ...(options.configPath ? {configPath: options.configPath} : {}),
      ...(options.cwd ? {cwd: options.cwd} : {}),
      ...(options.dataDir !== undefined ? {dataDir: options.dataDir} : {}),
    })
  }
  const {config, path} = loadConfig({...(options.configPath ? {path: options.configPath} : {}), ...(options.cwd ? {cwd: options.cwd} : {})})
  return new EngineBuilder({config, catalog: options.catalog, ...(path ? {configPath: path} : {}), ...common})
}
