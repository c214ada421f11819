import {describe, expect, it} from 'vitest'
import {z} from 'zod'
import {
  StepController,
  StreamingMessage,
  ToolRegistry,
  appendBlocks,
  defineTool,
  newId,
  newTurn,
  pendingToolCalls,
  toolLoop,
  toolUseOf,
  userBlock,
  type InferenceFn,
  type ToolExecutor,
} from '../../src/core/index.js'
import {inRun, waitUntil} from './helpers.js'

/** An engine that asks for `tool` on every inference and counts its calls. */
function alwaysCalls(tool: string, args: Record<string, unknown> = {}): {fn: InferenceFn; calls: () => number} {
  let n = 0
  const fn: InferenceFn = async (turn) => {
    n++
    const msg = new StreamingMessage('test')
    msg.toolCall({id: newId('call'), name: tool, args})
    return appendBlocks(turn, ...msg.finish({stopReason: 'tool_calls'}))
  }
  return {fn, calls: () => n}
}

/** Calls `tool` once, then answers with text. */
function callsOnce(tool: string, args: Record<string, unknown> = {}): InferenceFn {
  return async (turn) => {
    const msg = new StreamingMessage('test')
    if (turn.blocks.some((b) => b.kind === 'tool_use')) msg.textDelta('done')
    else msg.toolCall({id: newId('call'), name: tool, args})
    return appendBlocks(turn, ...msg.finish())
  }
}

const echoTool = defineTool({name: 'echo', description: 'echo', args: z.object({text: z.string().default('x')}), run: ({text}) => ({text})})

describe('tool loop', () => {
  it('executes pending calls, appends results and stops when none are pending', async () => {
    const loop = toolLoop({inference: callsOnce('echo', {text: 'hi'}), registry: new ToolRegistry([echoTool])})
    const {result, events} = await inRun((ctx) => loop(newTurn([userBlock('q')]), ctx))
    expect(result.blocks.map((b) => b.kind)).toEqual(['user', 'tool_call', 'tool_use', 'llm_text'])
    expect(toolUseOf(result.blocks[2]!)?.result).toEqual({text: 'hi'})
    const types = events.map((e) => e.type)
    expect(types.indexOf('tool-call')).toBeLessThan(types.indexOf('tool-call-execute'))
    expect(types.indexOf('tool-call-execute')).toBeLessThan(types.indexOf('tool-call-execution-result'))
  })

  it('stops at max_iterations and leaves no call unanswered', async () => {
    const engine = alwaysCalls('echo')
    const loop = toolLoop({inference: engine.fn, registry: new ToolRegistry([echoTool]), maxIterations: 3})
    const {result, events} = await inRun((ctx) => loop(newTurn([userBlock('q')]), ctx))
    expect(engine.calls()).toBe(3)
    expect(pendingToolCalls(result)).toEqual([])
    expect(events.filter((e) => e.type === 'tool-call-execute')).toHaveLength(3)
    expect(events.at(-1)).toMatchObject({type: 'info', data: {max_iterations: 3}})
  })

  it('uses the injected executor', async () => {
    const seen: string[] = []
    const executor: ToolExecutor = {execute: async (call) => (seen.push(call.name), {id: call.id, result: 'from executor'})}
    const loop = toolLoop({inference: callsOnce('echo'), registry: new ToolRegistry([echoTool]), executor})
    const {result} = await inRun((ctx) => loop(newTurn([userBlock('q')]), ctx))
    expect(seen).toEqual(['echo'])
    expect(result.blocks.find((b) => b.kind === 'tool_use')?.payload.result).toBe('from executor')
  })

  it('turns a tool timeout, an unknown tool and bad arguments into tool errors, not run failures', async () => {
    const hang = defineTool({name: 'hang', description: 'never ends', args: z.object({}), run: () => new Promise(() => {})})
    const strict = defineTool({name: 'strict', description: 'needs n', args: z.object({n: z.number()}), run: () => 1})
    const registry = new ToolRegistry([hang, strict])
    for (const [tool, args, expected] of [
      ['hang', {}, /timed out after 50 ms/],
      ['missing', {}, /unknown tool missing/],
      ['strict', {n: 'x'}, /invalid arguments for strict: n/],
    ] as const) {
      const loop = toolLoop({inference: callsOnce(tool, args), registry, toolTimeoutMs: 50})
      const {result} = await inRun((ctx) => loop(newTurn([userBlock('q')]), ctx))
      expect(String(result.blocks.find((b) => b.kind === 'tool_use')?.payload.error)).toMatch(expected)
    }
  })

  it('cancel reaches a running tool through its signal', async () => {
    let toolSawAbort = false
    let started!: () => void
    const running = new Promise<void>((r) => (started = r))
    const slow = defineTool({
      name: 'slow',
      description: 'waits for abort',
      args: z.object({}),
      run: (_a, {signal}) =>
        new Promise((_, reject) => {
          started()
          signal.addEventListener('abort', () => {
            toolSawAbort = true
            reject(new Error('aborted'))
          })
        }),
    })
    const controller = new AbortController()
    const loop = toolLoop({inference: callsOnce('slow'), registry: new ToolRegistry([slow])})
    const run = inRun((ctx) => loop(newTurn([userBlock('q')]), ctx), controller.signal)
    await running
    controller.abort()
    await expect(run).rejects.toMatchObject({name: 'AbortError'})
    expect(toolSawAbort).toBe(true)
  })
})

describe('step mode in the tool loop', () => {
  it('pauses after inference; deny answers the calls with errors and ends the run', async () => {
    const step = new StepController({enabled: true})
    const engine = alwaysCalls('echo')
    const loop = toolLoop({inference: engine.fn, registry: new ToolRegistry([echoTool]), step})
    const run = inRun((ctx) => loop(newTurn([userBlock('q')]), ctx))
    await waitUntil(() => step.pending() !== undefined)
    expect(step.pending()!.phase).toBe('after_inference')
    expect(step.decide(step.pending()!.pauseId, 'deny')).toEqual({ok: true})
    const {result, events} = await run
    expect(engine.calls()).toBe(1)
    expect(result.blocks.find((b) => b.kind === 'tool_use')?.payload.error).toBe('denied by user')
    expect(events.map((e) => e.type)).toContain('step-resumed')
  })

  it('continue runs the tools, then pauses after tools', async () => {
    const step = new StepController({enabled: true})
    const loop = toolLoop({inference: callsOnce('echo'), registry: new ToolRegistry([echoTool]), step})
    const run = inRun((ctx) => loop(newTurn([userBlock('q')]), ctx))
    await waitUntil(() => step.pending()?.phase === 'after_inference')
    step.decide(step.pending()!.pauseId, 'continue')
    await waitUntil(() => step.pending()?.phase === 'after_tools')
    step.decide(step.pending()!.pauseId, 'continue')
    const {result} = await run
    expect(result.blocks.map((b) => b.kind)).toEqual(['user', 'tool_call', 'tool_use', 'llm_text'])
  })
})
