import {AbortedError, isAbortError} from '../errors.js'
import {guardStage, StageTimeoutError} from '../stage-guard.js'
import type {ToolCall, ToolUse} from '../turn.js'
import {ToolTimeoutError, type ToolExecutionContext, type ToolExecutor} from './executor.js'

/**
 * Any executor (the default one or a plugin's) under the tool loop's rules: every call ends within
 * the per-call timeout, a cancel abandons it at once, and a throw or a rejection becomes the call's
 * error result instead of failing the run. Only a cancel leaves as an error (AbortedError).
 */
export function guardExecutor(name: string, executor: ToolExecutor): ToolExecutor {
  return {
    async execute(call: ToolCall, ctx: ToolExecutionContext): Promise<ToolUse> {
      try {
        return await guardStage(() => executor.execute(call, ctx), {
          signal: ctx.signal,
          timeoutMs: ctx.timeoutMs,
          stage: `tool ${call.name}`,
        })
      } catch (error) {
        if (ctx.signal.aborted || isAbortError(error)) throw new AbortedError()
        // Same words as the default executor's own per-tool timeout, whichever fires first.
        if (error instanceof StageTimeoutError)
          return {id: call.id, result: null, error: new ToolTimeoutError(call.name, ctx.timeoutMs).message}
        const message = error instanceof Error ? error.message : String(error)
        return {id: call.id, result: null, error: name === 'default' ? message : `tool executor ${name} failed: ${message}`}
      }
    },
  }
}
