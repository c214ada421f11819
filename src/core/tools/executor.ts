import {AbortedError} from '../errors.js'
import type {ToolCall, ToolUse} from '../turn.js'
import type {ToolRegistry} from './registry.js'

export interface ToolExecutionContext {
  readonly signal: AbortSignal
  readonly registry: ToolRegistry
  readonly timeoutMs: number
}

/** Runs one tool call and always answers with a ToolUse; failures become `error`, never throws (except on cancel). */
export interface ToolExecutor {
  execute(call: ToolCall, ctx: ToolExecutionContext): Promise<ToolUse>
}

/**
 * The default executor: looks the tool up, validates its arguments and runs it with a per-call
 * timeout. The tool gets a signal that aborts on run cancel and on timeout.
 */
export class DefaultToolExecutor implements ToolExecutor {
  async execute(call: ToolCall, ctx: ToolExecutionContext): Promise<ToolUse> {
    const tool = ctx.registry.get(call.name)
    if (!tool) return {id: call.id, result: null, error: `unknown tool ${call.name}`}
    const checked = tool.validate(call.args)
    if (!checked.ok) return {id: call.id, result: null, error: checked.error}

    const timeout = new AbortController()
    const signal = AbortSignal.any([ctx.signal, timeout.signal])
    let timer: NodeJS.Timeout | undefined
    let onAbort: (() => void) | undefined
    // Racing keeps a tool that ignores its signal from holding the run hostage.
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timeout.abort()
        reject(new ToolTimeoutError(call.name, ctx.timeoutMs))
      }, ctx.timeoutMs)
      onAbort = () => reject(new AbortedError())
      if (ctx.signal.aborted) onAbort()
      else ctx.signal.addEventListener('abort', onAbort, {once: true})
    })
    try {
      const result = await Promise.race([tool.run(checked.args, {signal, callId: call.id}), guard])
      return {id: call.id, result: result ?? null}
    } catch (error) {
      if (ctx.signal.aborted) throw new AbortedError()
      return {id: call.id, result: null, error: error instanceof Error ? error.message : String(error)}
    } finally {
      clearTimeout(timer)
      if (onAbort) ctx.signal.removeEventListener('abort', onAbort)
    }
  }
}

export class ToolTimeoutError extends Error {
  constructor(tool: string, ms: number) {
    super(`tool ${tool} timed out after ${ms} ms`)
    this.name = 'ToolTimeoutError'
  }
}
