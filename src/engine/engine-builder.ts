import {
  definedFields,
  StepController,
  announcePromptMiddleware,
  engineAsFn,
  redactSecrets,
  systemPromptMiddleware,
  toolLoop,
  traceMiddlewares,
  type Engine,
  type EventSink,
  type InferenceFn,
  type NamedMiddleware,
  type ToolDefinition,
  type ToolExecutor,
  type ToolRegistry,
} from '../core/index.js'
import type {ProviderConfig} from '../providers/config.js'
import {createLazyEngine} from '../providers/engine-registry.js'
import {registerProviderSecrets} from '../providers/provider-env.js'
import {dirname} from 'node:path'
import {
  McpServerPool,
  ResourceScope,
  parseMcpToolRef,
  type ContributionContext,
  type PluginCatalog,
  type Provided,
} from '../plugins/index.js'
import {ConfigError, UnknownProfileError} from './config-error.js'
import {createExecutor, createMiddleware, createSink, stderrPluginFailures, type PluginFailureListener} from './contribution-factories.js'
import type {EngineConfig} from './engine-config.js'
import {EngineOverridesSchema, type EngineOverrides} from './overrides.js'
import type {ConfigFile, ContributionRef, Profile} from './profiles.js'
import {resolveProfileTools, toolRegistryFor} from './profile-tools.js'
import {urlSecretProblem} from './public-url.js'

export interface BuiltEngine {
  /** Middlewares around the engine, inside the tool loop (unless single pass). */
  readonly run: InferenceFn
  readonly step: StepController
  readonly tools: ToolRegistry
  /** Sinks from subscriber plugins, attached to each run's context. */
  readonly sinks: readonly EventSink[]
}

export type EngineFactory = (provider: ProviderConfig, deps: {tools: readonly ToolDefinition[]; env?: NodeJS.ProcessEnv}) => Engine

export interface EngineBuilderOptions {
  readonly config: ConfigFile
  readonly catalog: PluginCatalog
  /** The config file read, if any (named in errors, watched by `serve --watch`). */
  readonly configPath?: string
  /** Local plugin files the catalog was loaded from (watched by `serve --watch`). */
  readonly pluginFiles?: readonly string[]
  readonly env?: NodeJS.ProcessEnv
  readonly engineFactory?: EngineFactory
  /** Step pause deadline. */
  readonly stepTimeoutMs?: number
  /** What plugins share across this host's conversations; default a new scope, closed by `close()`. */
  readonly resources?: ResourceScope
  /** Told once per failing subscriber per conversation (default: a line on stderr); `serve` logs it. */
  readonly onPluginFailure?: PluginFailureListener
}

type Schema = {safeParse(v: unknown): {success: true; data: unknown} | {success: false; error: import('zod').ZodError}}

/** Turns a profile plus overrides into an EngineConfig, and an EngineConfig into a runnable engine. */
export class EngineBuilder {
  /** Shared with the builders a config reload makes (pass it on), so live sinks keep their connections. */
  readonly resources: ResourceScope
  /** The host's MCP servers (shared through `resources`: a reload stops only the servers it changed). */
  readonly mcp: McpServerPool

  constructor(private readonly options: EngineBuilderOptions) {
    this.resources = options.resources ?? new ResourceScope()
    this.mcp = this.resources.get(
      'mcp-servers',
      () => new McpServerPool(),
      (pool) => pool.close(),
    )
    const baseDir = options.configPath ? dirname(options.configPath) : process.cwd()
    this.mcp.configure(options.config.mcp_servers ?? {}, baseDir, options.env ?? process.env)
    // Keys are known secrets from the start, before any run reads them (an echo in a log, a frame).
    registerProviderSecrets(
      Object.values(options.config.profiles).map((p) => p.provider),
      options.env ?? process.env,
    )
  }

  /** Disposes what the plugins opened (connections). Call once the host stops. */
  close(): Promise<void> {
    return this.resources.close()
  }

  /** Where subscriber failures go; a reload's builder reports to the same place. */
  get onPluginFailure(): PluginFailureListener {
    return this.options.onPluginFailure ?? stderrPluginFailures
  }

  get config(): ConfigFile {
    return this.options.config
  }

  get catalog(): PluginCatalog {
    return this.options.catalog
  }

  get configPath(): string | undefined {
    return this.options.configPath
  }

  /** The config file and local plugin files this builder was loaded from. */
  get watchedFiles(): string[] {
    return [...(this.options.configPath ? [this.options.configPath] : []), ...(this.options.pluginFiles ?? [])]
  }

  /**
   * Starts (or restarts after a crash) the MCP servers `profile` uses (every profile's when none is
   * given) and lists their tools, so `buildConfig` can include them. Never throws: a server that
   * cannot be reached makes `buildConfig` throw its McpServerError.
   */
  async prepare(profile?: string, overrides: EngineOverrides = {}): Promise<void> {
    const profiles =
      profile !== undefined
        ? [this.options.config.profiles[profile]].filter((p) => p !== undefined)
        : Object.values(this.options.config.profiles)
    const entries = [...profiles.flatMap((p) => p.tools), ...(overrides.tools ?? [])]
    await this.mcp.prepare(entries.flatMap((entry) => parseMcpToolRef(entry)?.server ?? []))
  }

  profile(slug: string): Profile {
    // Own keys only: `__proto__`, `constructor`, `toString` are unknown names like any other, not Object's.
    const profile = Object.hasOwn(this.options.config.profiles, slug) ? this.options.config.profiles[slug] : undefined
    if (!profile) throw new UnknownProfileError(slug, Object.keys(this.options.config.profiles).sort())
    return profile
  }

  /** Validates names and contribution configs; throws ConfigError naming the field. */
  buildConfig(profileSlug: string, overrides: EngineOverrides = {}): EngineConfig {
    const profile = this.profile(profileSlug)
    const checked = EngineOverridesSchema.safeParse(overrides)
    if (!checked.success) throw ConfigError.fromZod(checked.error, 'overrides')
    const o = checked.data
    const {catalog} = this.options
    const at = (overridden: boolean, key: string) => (overridden ? `overrides.${key}` : `profiles.${profileSlug}.${key}`)
    const used = new Map<string, string>()
    const note = (p: Provided<unknown>) => used.set(p.plugin.plugin.name, p.plugin.fingerprint)
    const contribution = (kind: 'middleware' | 'tool executor' | 'subscriber', ref: ContributionRef, field: string): ContributionRef => {
      const found =
        kind === 'middleware'
          ? catalog.middleware(ref.name)
          : kind === 'tool executor'
            ? catalog.toolExecutor(ref.name)
            : catalog.subscriber(ref.name)
      if (!found)
        throw new ConfigError(`unknown ${kind} ${JSON.stringify(ref.name)} (known: ${catalog.names(kind).join(', ')})`, `${field}.name`)
      note(found)
      return {name: ref.name, config: validated(found.item.config, ref, `${field}.config`)}
    }

    const provider: ProviderConfig = {...profile.provider, ...definedFields(o.provider ?? {})}
    const urlProblem = provider.base_url ? urlSecretProblem(provider.base_url) : undefined
    if (urlProblem) throw new ConfigError(urlProblem, at(!!o.provider?.base_url, 'provider.base_url'))
    const middlewaresField = at(!!o.middlewares, 'middlewares')
    const toolsField = at(!!o.tools, 'tools')
    const tools = resolveProfileTools(o.tools ?? profile.tools, catalog, this.mcp, toolsField)
    for (const tool of tools.tools) if (tool.plugin) note(tool.plugin)
    const config: EngineConfig = {
      profile: profileSlug,
      provider: redactSecrets(provider),
      system_prompt: o.system_prompt !== undefined ? o.system_prompt : profile.system_prompt,
      middlewares: (o.middlewares ?? profile.middlewares).map((ref, i) => contribution('middleware', ref, `${middlewaresField}.${i}`)),
      tools: tools.tools.map((t) => t.name),
      tool_executor: contribution('tool executor', profile.tool_executor, `profiles.${profileSlug}.tool_executor`),
      subscribers: profile.subscribers.map((ref, i) => contribution('subscriber', ref, `profiles.${profileSlug}.subscribers.${i}`)),
      loop: {...profile.loop, ...definedFields(o.loop ?? {})},
      step_mode: o.step_mode ?? profile.step_mode,
      plugins: {},
    }
    config.plugins = Object.fromEntries([...used.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    if (Object.keys(tools.mcp).length > 0) config.mcp = tools.mcp
    return config
  }

  buildFromConfig(convId: string, config: EngineConfig): BuiltEngine {
    const {catalog} = this.options
    const ctx = this.contributionContext(config)
    const tools = toolRegistryFor(config.tools, config.mcp, catalog, this.mcp)
    // The engine's module loads on its first inference: a config-only command never loads one.
    const factory = this.options.engineFactory ?? createLazyEngine
    const engine = factory(config.provider, {tools: tools.list(), ...(this.options.env ? {env: this.options.env} : {})})
    const middlewares: NamedMiddleware[] = []
    if (config.system_prompt) middlewares.push({name: 'system-prompt', middleware: systemPromptMiddleware(config.system_prompt)})
    for (const middleware of this.createMiddlewares(config, ctx)) middlewares.push(middleware)
    // Innermost, so clients see the prompt as the engine does (after redaction); plumbing, not traced.
    middlewares.push({name: 'announce-prompt', middleware: announcePromptMiddleware(), traced: false})
    // Every call timed and diffed (one middleware-trace per run); a changed answer is published as a revision.
    const chain = traceMiddlewares(engineAsFn(engine), middlewares)
    const inference = chain.inference
    const step = new StepController({
      enabled: config.step_mode,
      ...(this.options.stepTimeoutMs ? {timeoutMs: this.options.stepTimeoutMs} : {}),
    })
    const executor = this.createExecutor(config, ctx)
    const onFailure = this.onPluginFailure
    const sinks = (config.subscribers ?? []).flatMap((ref) => {
      const sink = createSink(require(catalog.subscriber(ref.name), 'subscriber', ref.name), ref, {...ctx, convId}, onFailure)
      return sink ? [sink] : []
    })
    const loop = config.loop.single_pass
      ? inference
      : toolLoop({
          inference,
          registry: tools,
          executor,
          executorName: config.tool_executor.name,
          maxIterations: config.loop.max_iterations,
          toolTimeoutMs: config.loop.timeout_ms,
          step,
        })
    return {run: chain.around(loop), step, tools, sinks}
  }

  /**
   * Calls the middleware and tool executor factories of every profile once, so a factory that throws
   * fails `serve`/`run` at start (and a reload, which keeps the last good set) with a PluginLoadError
   * naming the plugin's file and the contribution, instead of on every request. Subscribers are not
   * created here: they may open connections, and one that fails is reported and left out per conversation.
   */
  checkFactories(): void {
    for (const slug of Object.keys(this.options.config.profiles).sort()) {
      const config = this.buildConfig(slug)
      const ctx = this.contributionContext(config)
      this.createMiddlewares(config, ctx)
      this.createExecutor(config, ctx)
    }
  }

  private contributionContext(config: EngineConfig): ContributionContext {
    return {
      profile: config.profile,
      provider: config.provider.type,
      tools: config.tools,
      env: this.options.env ?? process.env,
      resources: this.resources,
    }
  }

  private createMiddlewares(config: EngineConfig, ctx: ContributionContext): NamedMiddleware[] {
    return config.middlewares.map((ref) => ({
      name: ref.name,
      middleware: createMiddleware(
        require(this.options.catalog.middleware(ref.name), 'middleware', ref.name),
        ref,
        ctx,
        config.loop.middleware_timeout_ms,
      ),
    }))
  }

  private createExecutor(config: EngineConfig, ctx: ContributionContext): ToolExecutor {
    const ref = config.tool_executor
    return createExecutor(require(this.options.catalog.toolExecutor(ref.name), 'tool executor', ref.name), ref, ctx)
  }
}

function require<T>(found: T | undefined, kind: string, name: string): T {
  if (!found) throw new ConfigError(`unknown ${kind} ${JSON.stringify(name)}: the plugin that provided it is no longer loaded`, '')
  return found
}

function validated(schema: Schema, ref: ContributionRef, field: string): Record<string, unknown> {
  const parsed = schema.safeParse(ref.config)
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, field)
  return (parsed.data ?? {}) as Record<string, unknown>
}
