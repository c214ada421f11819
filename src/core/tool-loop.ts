import type {InferenceFn} from './engine.js'
import {isAbortError, AbortedError} from './errors.js'
import {publish, type RunContext} from './run-context.js'
import type {StepController} from './step-controller.js'
import {DefaultToolExecutor, type ToolExecutor} from './tools/executor.js'
import {guardExecutor} from './tools/guarded-executor.js'
import type {ToolRegistry} from './tools/registry.js'
import {appendBlocks, pendingToolCalls, toolUseBlock, type ToolCall, type Turn} from './turn.js'

export const DEFAULT_MAX_ITERATIONS = 5
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000

export interface ToolLoopOptions {
  /** The engine, already wrapped in its middlewares. */
  readonly inference: InferenceFn
  readonly registry: ToolRegistry
  readonly executor?: ToolExecutor
  /** The executor's contribution name, for its error results (default `default`). */
  readonly executorName?: string
  /** Most inferences one run may make. */
  readonly maxIterations?: number
  readonly toolTimeoutMs?: number
  readonly step?: StepController
}

/**
 * Errors leaving the loop carry the turn as far as it got, so a cancelled or failed run keeps the
 * tool calls and results that completed.
 */
export class RunInterruptedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly turn: Turn,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
    this.name = isAbortError(cause) ? 'AbortError' : 'RunInterruptedError'
  }
}

/**
 * Inference → pending tool calls → execute → append results → repeat, until no call is pending or
 * `maxIterations` inferences ran (the calls of the last one are still executed, so the snapshot
 * never holds an unanswered call). Step mode may pause after each inference and after tools.
 */
export function toolLoop(options: ToolLoopOptions): InferenceFn {
  // Guarded whoever wrote it: bounded by the per-call timeout, abandoned on cancel, throws become results.
  const executor = guardExecutor(options.executorName ?? 'default', options.executor ?? new DefaultToolExecutor())
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS
  const timeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS

  return async (seed, ctx) => {
    let turn = seed
    try {
      for (let iteration = 1; ; iteration++) {
        turn = await options.inference(turn, ctx)
        const pending = pendingToolCalls(turn)
        if (pending.length === 0) return turn

        const step = options.step?.enabled ? options.step : undefined
        const decision = step ? await step.pause('after_inference', pending, ctx.signal) : undefined
        if (decision && decision.action !== 'continue') {
          const reason = decision.action === 'deny' ? 'denied by user' : 'skipped by user'
          turn = appendBlocks(turn, ...pending.map((c) => toolUseBlock({id: c.id, result: null, error: reason})))
          if (decision.action === 'deny') return turn
        } else {
          turn = await executeAll(turn, pending, executor, options.registry, timeoutMs, ctx)
        }

        if (iteration >= maxIterations) {
          publish({
            type: 'info',
            message: `max_iterations (${maxIterations}) reached; stopping the tool loop`,
            data: {max_iterations: maxIterations},
          })
          return turn
        }
        if (step && decision?.action === 'continue') {
          const after = await step.pause('after_tools', pending, ctx.signal)
          if (after.action !== 'continue') return turn
        }
      }
    } catch (error) {
      if (error instanceof RunInterruptedError) throw error
      throw new RunInterruptedError(ctx.signal.aborted ? new AbortedError() : error, turn)
    }
  }
}

async function executeAll(
  turn: Turn,
  calls: ToolCall[],
  executor: ToolExecutor,
  registry: ToolRegistry,
  timeoutMs: number,
  ctx: RunContext,
): Promise<Turn> {
  let out = turn
  for (const [i, call] of calls.entries()) {
    publish({type: 'tool-call-execute', tool_call: call}, {message_id: call.id})
    let use
    try {
      use = await executor.execute(call, {signal: ctx.signal, registry, timeoutMs})
    } catch (error) {
      // Cancelled mid-tools: answer this call and the ones after it, so the snapshot never holds a
      // call without its result (providers reject such a history; the next run would rerun it).
      const unanswered = calls.slice(i).map((c) => toolUseBlock({id: c.id, result: null, error: 'cancelled'}))
      throw new RunInterruptedError(ctx.signal.aborted ? new AbortedError() : error, appendBlocks(out, ...unanswered))
    }
    publish({type: 'tool-call-execution-result', tool_result: use}, {message_id: call.id})
    out = appendBlocks(out, toolUseBlock(use))
  }
  return out
}
