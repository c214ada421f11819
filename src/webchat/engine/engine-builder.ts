import {
  StepController,
  composeMiddlewares,
  engineAsFn,
  redactSecrets,
  systemPromptMiddleware,
  toolLoop,
  type Engine,
  type EventSink,
  type InferenceFn,
  type Middleware,
  type ToolDefinition,
  type ToolRegistry,
} from '../../core/index.js'
import {createEngine, type ProviderConfig} from '../../providers/index.js'
import type {ContributionContext, PluginCatalog, Provided} from '../../plugins/index.js'
import {ConfigError, UnknownProfileError} from './config-error.js'
import type {EngineConfig} from './engine-config.js'
import {EngineOverridesSchema, type EngineOverrides} from './overrides.js'
import type {ConfigFile, ContributionRef, Profile} from './profiles.js'

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
  readonly env?: NodeJS.ProcessEnv
  readonly engineFactory?: EngineFactory
  /** Step pause deadline. */
  readonly stepTimeoutMs?: number
}

/** Turns a profile plus overrides into an EngineConfig, and an EngineConfig into a runnable engine. */
export class EngineBuilder {
  constructor(private readonly options: EngineBuilderOptions) {}

  get config(): ConfigFile {
    return this.options.config
  }

  get catalog(): PluginCatalog {
    return this.options.catalog
  }

  profile(slug: string): Profile {
    const profile = this.options.config.profiles[slug]
    if (!profile) throw new UnknownProfileError(slug, Object.keys(this.options.config.profiles).sort())
    return profile
  }

  /** Validates names and contribution configs; throws ConfigError naming the field. */
  buildConfig(profileSlug: string, overrides: EngineOverrides = {}): EngineConfig {
    const profile = this.profile(profileSlug)
    const checked = EngineOverridesSchema.safeParse(overrides)
    if (!checked.success) throw ConfigError.fromZod(checked.error, 'overrides')
    const o = checked.data
    const provider = {...profile.provider, ...(o.provider ?? {})}
    const config: EngineConfig = {
      profile: profileSlug,
      provider: redactSecrets(provider),
      system_prompt: o.system_prompt !== undefined ? o.system_prompt : profile.system_prompt,
      middlewares: o.middlewares ?? profile.middlewares,
      tools: o.tools ?? profile.tools,
      tool_executor: profile.tool_executor,
      loop: {...profile.loop, ...(o.loop ?? {})},
      step_mode: o.step_mode ?? profile.step_mode,
      plugins: {},
    }
    const field = o.middlewares ? 'overrides.middlewares' : `profiles.${profileSlug}.middlewares`
    const used = new Map<string, string>()
    const note = (p: Provided<unknown>) => used.set(p.plugin.plugin.name, p.plugin.fingerprint)
    config.middlewares = config.middlewares.map((ref, i) => {
      const found = this.options.catalog.middleware(ref.name)
      if (!found) throw new ConfigError(`unknown middleware ${JSON.stringify(ref.name)} (known: ${this.options.catalog.names('middleware').join(', ')})`, `${field}.${i}.name`)
      note(found)
      return {name: ref.name, config: validated(found.item.config, ref, `${field}.${i}.config`)}
    })
    const exec = this.options.catalog.toolExecutor(config.tool_executor.name)
    if (!exec) throw new ConfigError(`unknown tool executor ${JSON.stringify(config.tool_executor.name)}`, `profiles.${profileSlug}.tool_executor.name`)
    note(exec)
    config.tool_executor = {name: config.tool_executor.name, config: validated(exec.item.config, config.tool_executor, `profiles.${profileSlug}.tool_executor.config`)}
    const toolsField = o.tools ? 'overrides.tools' : `profiles.${profileSlug}.tools`
    config.tools.forEach((name, i) => {
      const tool = this.options.catalog.tool(name)
      if (!tool) throw new ConfigError(`unknown tool ${JSON.stringify(name)} (known: ${this.options.catalog.names('tool').join(', ')})`, `${toolsField}.${i}`)
      note(tool)
    })
    config.plugins = Object.fromEntries([...used.entries()].sort(([a], [b]) => a.localeCompare(b)))
    return config
  }

  buildFromConfig(_convId: string, config: EngineConfig): BuiltEngine {
    const {catalog} = this.options
    const ctx: ContributionContext = {profile: config.profile, tools: config.tools}
    const tools = catalog.toolRegistry(config.tools)
    const factory = this.options.engineFactory ?? createEngine
    const engine = factory(config.provider, {tools: tools.list(), ...(this.options.env ? {env: this.options.env} : {})})
    const middlewares: Middleware[] = []
    if (config.system_prompt) middlewares.push(systemPromptMiddleware(config.system_prompt))
    for (const ref of config.middlewares) middlewares.push(catalog.middleware(ref.name)!.item.create(ref.config, ctx))
    const inference = composeMiddlewares(engineAsFn(engine), middlewares)
    const step = new StepController({enabled: config.step_mode, ...(this.options.stepTimeoutMs ? {timeoutMs: this.options.stepTimeoutMs} : {})})
    const executor = catalog.toolExecutor(config.tool_executor.name)!.item.create(config.tool_executor.config, ctx)
    const run = config.loop.single_pass
      ? inference
      : toolLoop({inference, registry: tools, executor, maxIterations: config.loop.max_iterations, toolTimeoutMs: config.loop.timeout_ms, step})
    return {run, step, tools, sinks: []}
  }
}

function validated(schema: {safeParse(v: unknown): {success: true; data: unknown} | {success: false; error: import('zod').ZodError}}, ref: ContributionRef, field: string): Record<string, unknown> {
  const parsed = schema.safeParse(ref.config)
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, field)
  return (parsed.data ?? {}) as Record<string, unknown>
}
