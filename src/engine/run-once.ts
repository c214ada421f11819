import {
  CollectingSink,
  Session,
  callbackSink,
  newId,
  type Event,
  type PendingPause,
  type RunOutcome,
  type StepAction,
} from '../core/index.js'
import type {PluginCatalog, ResourceScope} from '../plugins/index.js'
import {startCassetteRecorder, startCassetteReplay} from '../providers/cassette/index.js'
import {EngineBuilder, type EngineFactory} from './engine-builder.js'
import type {EngineConfig} from './engine-config.js'
import {loadEngineBuilder} from './load-engine-builder.js'
import type {EngineOverrides} from './overrides.js'
import {loadConfig} from './profiles.js'

export interface RunOnceOptions {
  readonly prompt: string
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
  /** Plugin resources to use and leave open (tests read a memory subscriber's buffer); default: a scope closed when the run ends. */
  readonly resources?: ResourceScope
}

export interface RunOnceResult {
  readonly outcome: RunOutcome
  readonly events: Event[]
  readonly config: EngineConfig
}

/** One prompt, one run, through the same builder and Session the server uses. */
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
  let engineConfig: EngineConfig
  try {
    await builder.prepare(profile, options.overrides ?? {})
    engineConfig = builder.buildConfig(profile, options.overrides ?? {})
  } catch (error) {
    // Nothing else will close it: the MCP servers it started must not outlive the failed run.
    if (!options.resources) await builder.close()
    throw error
  }
  const convId = newId('conv')
  const built = builder.buildFromConfig(convId, engineConfig)
  const collected = new CollectingSink()
  const stopPrompts = new AbortController()
  let pauseFailure: {error: unknown} | undefined
  const answerPauses = options.onStepPause
  const stepSink = answerPauses
    ? callbackSink((event) => {
        if (event.type !== 'step-paused') return
        const pending = built.step.pending()
        if (!pending || pending.pauseId !== event.pause_id) return
        void Promise.resolve()
          .then(() => answerPauses(pending, stopPrompts.signal))
          .then(
            (action) => built.step.decide(pending.pauseId, action),
            (error: unknown) => {
              if (stopPrompts.signal.aborted) return
              pauseFailure ??= {error}
              // Called after a pause, so long after `handle` below is set.
              handle.cancel()
            },
          )
      })
    : undefined
  const sinks = [collected, ...built.sinks, ...(options.onEvent ? [callbackSink(options.onEvent)] : []), ...(stepSink ? [stepSink] : [])]
  const session = new Session(convId, {run: built.run, sinks})
  const handle = session.start(session.seedWithPrompt(options.prompt))
  const cancel = () => {
    stopPrompts.abort()
    handle.cancel()
  }
  if (options.signal?.aborted) cancel()
  options.signal?.addEventListener('abort', cancel, {once: true})
  try {
    const outcome = await handle.wait()
    stopPrompts.abort()
    if (pauseFailure) throw pauseFailure.error
    return {outcome, events: collected.events, config: engineConfig}
  } finally {
    options.signal?.removeEventListener('abort', cancel)
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
