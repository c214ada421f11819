import {z} from 'zod'
import type {EventSink, Middleware, ToolDefinition, ToolExecutor} from '../core/index.js'

/** Everything a contribution factory may know about where it is used. */
export interface ContributionContext {
  readonly profile: string
  /** Tool names the profile allows. */
  readonly tools: readonly string[]
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

const PluginShape = z.object({
  name: z.string().regex(/^[@a-z0-9][a-z0-9._/-]*$/i, 'must be a package-like name'),
  version: z.string().min(1),
  middlewares: z.array(z.object({name: z.string().min(1), create: z.function()}).loose()).optional(),
  toolExecutors: z.array(z.object({name: z.string().min(1), create: z.function()}).loose()).optional(),
  subscribers: z.array(z.object({name: z.string().min(1), create: z.function()}).loose()).optional(),
  tools: z.array(z.object({name: z.string().min(1), run: z.function()}).loose()).optional(),
})

/** The one way to declare a plugin; built-ins use it too. Throws a message naming the bad field. */
export function definePlugin<P extends JiminyPlugin>(plugin: P): P {
  const checked = PluginShape.safeParse(plugin)
  if (!checked.success) {
    const issue = checked.error.issues[0]!
    throw new Error(`invalid plugin ${JSON.stringify((plugin as {name?: unknown}).name ?? '?')}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  return plugin
}

export const defineMiddleware = <C>(c: MiddlewareContribution<C>): MiddlewareContribution<C> => c
export const defineToolExecutor = <C>(c: ToolExecutorContribution<C>): ToolExecutorContribution<C> => c
export const defineSubscriber = <C>(c: SubscriberContribution<C>): SubscriberContribution<C> => c
export {defineTool} from '../core/index.js'
