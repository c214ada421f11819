import {z} from 'zod'
import type {ResourceScope} from './resource-scope.js'
import {defineTool, type EventSink, type Middleware, type ToolDefinition, type ToolExecutor} from '../core/index.js'

/** Everything a contribution factory may know about where it is used. */
export interface ContributionContext {
  readonly profile: string
  /** The profile's provider type (`openai-chat`, `anthropic`, `mock`…), without any of its settings. */
  readonly provider?: string
  /** Tool names the profile allows. */
  readonly tools: readonly string[]
  /** The host's environment (read this, never `process.env`: hosts and tests inject their own). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Resources shared by the conversations of this host, disposed when it closes (no module-level state). */
  readonly resources: ResourceScope
}

interface Contribution<C> {
  readonly name: string
  readonly description?: string
  /** Validates the `config` given in a profile; errors name the field. */
  readonly config: z.ZodType<C>
}

export interface MiddlewareContribution<C = unknown> extends Contribution<C> {
  create(config: C, ctx: ContributionContext): Middleware
}

export interface ToolExecutorContribution<C = unknown> extends Contribution<C> {
  create(config: C, ctx: ContributionContext): ToolExecutor
}

/** A subscriber observes every event of a conversation (logging, metrics, transports). */
export interface SubscriberContribution<C = unknown> extends Contribution<C> {
  create(config: C, ctx: ContributionContext & {readonly convId: string}): EventSink
}

export interface JiminyPlugin {
  readonly name: string
  readonly version: string
  readonly middlewares?: readonly MiddlewareContribution<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any -- contravariant config
  readonly toolExecutors?: readonly ToolExecutorContribution<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly subscribers?: readonly SubscriberContribution<any>[] // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly tools?: readonly ToolDefinition[]
}

const ZodSchemaShape = z.custom<z.ZodType>(
  (v) => typeof (v as {safeParse?: unknown} | null)?.safeParse === 'function',
  'must be a zod schema',
)
const ContributionShape = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'must be 1-64 letters, digits, . _ or -'),
    config: ZodSchemaShape,
    create: z.function(),
  })
  .loose()

const PluginShape = z.object({
  name: z.string().regex(/^[@a-z0-9][a-z0-9._/-]*$/i, 'must be a package-like name'),
  version: z.string().min(1),
  middlewares: z.array(ContributionShape).optional(),
  toolExecutors: z.array(ContributionShape).optional(),
  subscribers: z.array(ContributionShape).optional(),
  tools: z
    .array(
      z.object({name: z.string().min(1), parameters: z.record(z.string(), z.unknown()), validate: z.function(), run: z.function()}).loose(),
    )
    .optional(),
})

/** The one way to declare a plugin; built-ins use it too. Throws a message naming the bad field. */
export function definePlugin<P extends JiminyPlugin>(plugin: P): P {
  const checked = PluginShape.safeParse(plugin)
  if (!checked.success) {
    const issue = checked.error.issues[0]!
    const name = JSON.stringify((plugin as {name?: unknown} | null)?.name ?? '?')
    throw new InvalidPluginError(
      `invalid plugin ${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      issue.path.join('.'),
      issue.message,
    )
  }
  return plugin
}

/** A plugin object of the wrong shape; `field` is the dotted path of what was wrong. */
export class InvalidPluginError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly detail: string = message,
  ) {
    super(message)
    this.name = 'InvalidPluginError'
  }
}

export const defineMiddleware = <C>(c: MiddlewareContribution<C>): MiddlewareContribution<C> => c
export const defineToolExecutor = <C>(c: ToolExecutorContribution<C>): ToolExecutorContribution<C> => c
export const defineSubscriber = <C>(c: SubscriberContribution<C>): SubscriberContribution<C> => c
export {defineTool}

/**
 * What a plugin module may default-export instead of a plugin: a factory that receives the host's
 * API (and its zod), so a plugin package needs no dependency on jiminy or zod at all.
 */
export interface PluginHostApi {
  readonly definePlugin: typeof definePlugin
  readonly defineMiddleware: typeof defineMiddleware
  readonly defineToolExecutor: typeof defineToolExecutor
  readonly defineSubscriber: typeof defineSubscriber
  readonly defineTool: typeof defineTool
  readonly z: typeof z
}

export type PluginFactory = (host: PluginHostApi) => JiminyPlugin | Promise<JiminyPlugin>

export const pluginHostApi: PluginHostApi = Object.freeze({
  definePlugin,
  defineMiddleware,
  defineToolExecutor,
  defineSubscriber,
  defineTool,
  z,
})
