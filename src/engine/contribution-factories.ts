import {
  DEFAULT_MIDDLEWARE_TIMEOUT_MS,
  GuardedSink,
  guardMiddleware,
  redactString,
  type EventSink,
  type Middleware,
  type SinkFailure,
  type ToolExecutor,
} from '../core/index.js'
import {
  PluginLoadError,
  type ContributionContext,
  type ContributionKind,
  type MiddlewareContribution,
  type Provided,
  type SubscriberContribution,
  type ToolExecutorContribution,
} from '../plugins/index.js'
import type {ContributionRef} from './profiles.js'

/** A plugin call that failed while the host kept going (today: a subscriber), for the host's log. */
export interface PluginFailure extends SinkFailure {
  readonly kind: 'subscriber'
  /** The plugin's file (local or installed), or its source (`builtin`). */
  readonly file: string
  readonly convId: string
}

export type PluginFailureListener = (failure: PluginFailure) => void

/** `jiminy run` and every host that passes no listener: one line on stderr per failing subscriber. */
export const stderrPluginFailures: PluginFailureListener = (failure) => {
  process.stderr.write(`jiminy: ${failure.message} [${failure.file}]\n`)
}

/**
 * Calls a contribution's `create`; a throw is a PluginLoadError naming the plugin's file and the
 * contribution (`middleware "x" of plugin p`), never an internal error with no name on it.
 */
export function createContribution<T>(kind: ContributionKind, found: Provided<{create: (...args: never[]) => T}>, create: () => T): T {
  try {
    return create()
  } catch (error) {
    const reason = redactString(error instanceof Error ? error.message : String(error))
    throw new PluginLoadError(
      `${kind} ${JSON.stringify(nameOf(found))} of plugin ${found.plugin.plugin.name}: its factory (create) threw: ${reason}`,
      fileOf(found),
    )
  }
}

/** A plugin middleware, created and guarded (timeout on its own time, abandoned on cancel). */
export function createMiddleware(
  found: Provided<MiddlewareContribution>,
  ref: ContributionRef,
  ctx: ContributionContext,
  timeoutMs: number = DEFAULT_MIDDLEWARE_TIMEOUT_MS,
): Middleware {
  const middleware = createContribution('middleware', found, () => found.item.create(ref.config, ctx))
  if (typeof middleware !== 'function')
    throw factoryReturned('middleware', found, 'a middleware function (next) => (turn, ctx) => Promise<Turn>')
  return guardMiddleware(ref.name, middleware, timeoutMs)
}

/** A plugin tool executor, created (the tool loop guards every call it makes). */
export function createExecutor(found: Provided<ToolExecutorContribution>, ref: ContributionRef, ctx: ContributionContext): ToolExecutor {
  const executor = createContribution('tool executor', found, () => found.item.create(ref.config, ctx))
  if (typeof (executor as Partial<ToolExecutor> | null)?.execute !== 'function')
    throw factoryReturned('tool executor', found, 'an object with execute(call, ctx)')
  return executor
}

/**
 * A conversation's subscriber sink, guarded. A subscriber only observes, so one whose factory
 * throws is reported like any other subscriber failure and left out: the conversation still runs.
 */
export function createSink(
  found: Provided<SubscriberContribution>,
  ref: ContributionRef,
  ctx: ContributionContext & {readonly convId: string},
  onFailure: PluginFailureListener,
): EventSink | undefined {
  const report = (failure: SinkFailure) => onFailure({...failure, kind: 'subscriber', file: fileOf(found), convId: ctx.convId})
  let sink: EventSink
  try {
    sink = createContribution('subscriber', found, () => found.item.create(ref.config, ctx))
    if (typeof (sink as Partial<EventSink> | null)?.publish !== 'function')
      throw factoryReturned('subscriber', found, 'an object with publish(event)')
  } catch (error) {
    report({
      name: ref.name,
      message: `subscriber ${ref.name} is left out of conversation ${ctx.convId}: ${(error as Error).message}`,
      sessionId: ctx.convId,
    })
    return undefined
  }
  return new GuardedSink(ref.name, sink, report)
}

function factoryReturned(kind: ContributionKind, found: Provided<unknown>, expected: string): PluginLoadError {
  return new PluginLoadError(
    `${kind} ${JSON.stringify(nameOf(found))} of plugin ${found.plugin.plugin.name}: its factory must return ${expected}`,
    fileOf(found),
  )
}

function nameOf(found: Provided<unknown>): string {
  return (found.item as {name?: string}).name ?? '?'
}

function fileOf(found: Provided<unknown>): string {
  return found.plugin.file ?? found.plugin.source
}
