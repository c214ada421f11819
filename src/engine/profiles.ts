import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {createRequire} from 'node:module'
import type * as Yaml from 'yaml'
import {z} from 'zod'
import {McpServersConfigSchema} from '../plugins/mcp/server-config.js'
import {DEFAULT_PROVIDER, ProviderConfigSchema} from '../providers/config.js'
import {yamlErrorLine} from './yaml-error-line.js'
import {ConfigError} from './config-error.js'

export const ContributionRefSchema = z.object({name: z.string().min(1), config: z.record(z.string(), z.unknown()).default({})}).strict()
export type ContributionRef = z.infer<typeof ContributionRefSchema>

export const LoopConfigSchema = z
  .object({
    max_iterations: z.number().int().min(1).max(100).default(5),
    timeout_ms: z.number().int().min(1).max(3_600_000).default(30_000),
    /** Bound on each middleware call's own time (not counting the engine and inner middlewares); default 60 s. Optional so signatures without it are unchanged. */
    middleware_timeout_ms: z.number().int().min(1).max(3_600_000).optional(),
    single_pass: z.boolean().default(false),
  })
  .strict()
export type LoopConfig = z.infer<typeof LoopConfigSchema>

export const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/

export const ProfileSchema = z
  .object({
    description: z.string().default(''),
    default_prompt: z.string().default(''),
    provider: ProviderConfigSchema.default(DEFAULT_PROVIDER),
    system_prompt: z.string().nullable().default(null),
    middlewares: z.array(ContributionRefSchema).default([{name: 'tool-result-reorder', config: {}}]),
    /** Tool names, `mcp:SERVER` (all its tools) or `mcp:SERVER/TOOL`. */
    tools: z.array(z.string().min(1)).default(['calc', 'clock']),
    tool_executor: ContributionRefSchema.default({name: 'default', config: {}}),
    /** Subscriber plugins observing every event of the conversation (e.g. `memory`). */
    subscribers: z.array(ContributionRefSchema).default([]),
    loop: LoopConfigSchema.default(LoopConfigSchema.parse({})),
    step_mode: z.boolean().default(false),
    /**
     * `POST /api/chat` only: closing the response (the AI SDK's `stop()`) cancels the run. Off by
     * default (a dropped connection never cancels a run). Not part of the EngineConfig: it shapes
     * the transport, not the engine.
     */
    cancel_on_abort: z.boolean().default(false),
  })
  .strict()
export type Profile = z.infer<typeof ProfileSchema>

export const BusConfigSchema = z
  .object({
    type: z.enum(['memory', 'redis']).default('memory'),
    redis_url: z.string().optional(),
    /** Redis Cluster nodes (`host:port`), the same as `redis_url: redis+cluster://host:port,…`. */
    cluster: z
      .array(z.string().regex(/^[^\s,@/]+$/, 'a cluster node is host:port'))
      .min(1)
      .optional(),
    maxlen: z.number().int().positive().optional(),
    /** How long a publish may wait for Redis before the run ends with a run.error. */
    publish_timeout_ms: z.number().int().min(100).max(600_000).optional(),
  })
  .strict()

/** `scheme://host[:port]`, what a browser sends as `Origin`. */
const ORIGIN = /^https?:\/\/[^/?#\s]+$/i

export const ConfigFileSchema = z
  .object({
    default_profile: z.string().regex(SLUG).default('default'),
    profiles: z.record(z.string().regex(SLUG, 'profile names are lowercase slugs'), ProfileSchema).default({}),
    /** Local plugin module paths, relative to the config file. */
    plugins: z.array(z.string().min(1)).default([]),
    /** MCP servers whose tools profiles take (`tools: [mcp:NAME]`): `{command, args?, env?, cwd?}` or `{url, headers?}`. */
    mcp_servers: McpServersConfigSchema.default({}),
    bus: BusConfigSchema.optional(),
    /** Where conversations are kept: `memory`, or a SQLite file path (relative to the config file); `{path, max_frames}`. */
    store: z
      .union([
        z.string().min(1),
        z.object({path: z.string().min(1), max_frames: z.number().int().min(100).max(10_000_000).optional()}).strict(),
      ])
      .optional(),
    server: z.record(z.string(), z.unknown()).optional(),
    /** Browser origins allowed besides this server's own (`serve --allow-origin` adds more): a front end elsewhere, a proxy. */
    allow_origins: z
      .array(z.string().regex(ORIGIN, 'an origin is scheme://host[:port], e.g. https://chat.example.com (no path)'))
      .optional(),
    /** Host names served besides IP literals and localhost (DNS-rebinding defence; `serve --allow-host` adds more, `all` allows any). */
    allow_hosts: z.array(z.string().regex(/^([a-z0-9.-]+|all)$/i, 'a host name like chat.internal, or all')).optional(),
    /** Server bounds against connection floods and slow clients (docs/limits.md); `serve` flags win. */
    limits: z
      .object({
        max_connections: z.number().int().min(1).optional(),
        max_connections_per_address: z.number().int().min(1).optional(),
        headers_timeout_ms: z.number().int().min(100).max(600_000).optional(),
        request_timeout_ms: z.number().int().min(100).max(3_600_000).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
export type ConfigFile = z.infer<typeof ConfigFileSchema>

/** Profiles every config has unless it redefines them: the offline default and a step-mode twin. */
export const BUILTIN_PROFILES: Record<string, Profile> = {
  default: ProfileSchema.parse({description: 'offline mock engine with calc and clock', default_prompt: 'what is 2+3? /tool'}),
  step: ProfileSchema.parse({
    description: 'mock engine in step mode: pauses before and after tools',
    default_prompt: 'what time is it? /tool',
    step_mode: true,
  }),
}

export interface LoadedConfig {
  readonly config: ConfigFile
  /** Absolute path of the file read, when there was one. */
  readonly path?: string
}

export const DEFAULT_CONFIG_FILE = 'jiminy.yaml'

/**
 * The one config loader: `--config FILE` if given (must exist), else `jiminy.yaml` in cwd if
 * present, else built-ins only. Errors name the file, the line when YAML is malformed, and the field.
 */
export function loadConfig(options: {path?: string; cwd?: string} = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd()
  const explicit = options.path !== undefined
  const path = resolve(cwd, options.path ?? DEFAULT_CONFIG_FILE)
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError('file not found', '', path)
    return {config: withBuiltins(ConfigFileSchema.parse({}))}
  }
  return {config: parseConfigText(readFileSync(path, 'utf8'), path), path}
}

export function parseConfigText(text: string, source: string): ConfigFile {
  // yaml (72 CommonJS modules) loads with the first config file read, not when there is none.
  const yaml = createRequire(import.meta.url)('yaml') as typeof Yaml
  const doc = yaml.parseDocument(text, {prettyErrors: false, keepSourceTokens: true})
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!
    const line = yamlErrorLine(yaml, text, doc, e)
    throw new ConfigError(`invalid YAML${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`, '', source, line)
  }
  const parsed = ConfigFileSchema.safeParse(doc.toJS() ?? {})
  if (!parsed.success) throw ConfigError.fromZod(parsed.error, '', source)
  return withBuiltins(parsed.data)
}

function withBuiltins(config: ConfigFile): ConfigFile {
  return {...config, profiles: {...BUILTIN_PROFILES, ...config.profiles}}
}
