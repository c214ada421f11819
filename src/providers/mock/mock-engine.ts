import {setImmediate} from 'node:timers/promises'
import {
  ProviderError,
  StreamingMessage,
  appendBlocks,
  lastUserText,
  newId,
  sleep,
  toolCallOf,
  toolUseOf,
  type Engine,
  type RunContext,
  type ToolCall,
  type Turn,
} from '../../core/index.js'
import {
  expressionFromPrompt,
  isMockScenario,
  scenarioFromPrompt,
  stripScenarioTags,
  wantsClock,
  wordChunks,
  type MockScenario,
} from './scenarios.js'

export {MOCK_SCENARIOS, type MockScenario} from './scenarios.js'

/** With `delay_ms: 0`, the chunks streamed between two turns of the event loop (about one network read's worth). */
const IMMEDIATE_CHUNKS = 16

export interface MockEngineOptions {
  readonly model?: string
  /** Pause between chunks; 0 streams as fast as possible (tests). */
  readonly delayMs?: number
  /** Pause between chunks in the slow scenario. */
  readonly slowDelayMs?: number
  /** A fixed scenario, overriding prompt tags. */
  readonly scenario?: string
}

/**
 * The offline engine: no key, no network, deterministic text. It streams word-sized deltas through
 * the same StreamingMessage path as the real providers, so everything downstream sees real shapes.
 */
export class MockEngine implements Engine {
  private readonly model: string
  private readonly delayMs: number
  private readonly slowDelayMs: number
  private readonly fixed: MockScenario | undefined

  constructor(options: MockEngineOptions = {}) {
    this.model = options.model ?? 'mock-1'
    this.delayMs = options.delayMs ?? 15
    this.slowDelayMs = options.slowDelayMs ?? 250
    if (options.scenario !== undefined && !isMockScenario(options.scenario)) {
      throw new Error(`unknown mock scenario ${JSON.stringify(options.scenario)}`)
    }
    this.fixed = options.scenario
  }

  async runInference(turn: Turn, ctx: RunContext): Promise<Turn> {
    const prompt = lastUserText(turn)
    const scenario = this.fixed ?? scenarioFromPrompt(prompt)
    const message = new StreamingMessage(this.model)
    message.start()
    const results = toolResultsSinceLastUser(turn)
    const stream = (text: string, delay = this.delayMs) => this.stream(message, text, delay, ctx.signal)
    const usage = () => ({input_tokens: countWords(turn), output_tokens: wordChunks(message.text).length + message.toolCalls.length})

    switch (scenario) {
      case 'plain':
        await stream(plainAnswer(stripScenarioTags(prompt)))
        break
      case 'think':
        for (const chunk of wordChunks(`The user wrote "${stripScenarioTags(prompt)}". I should restate it and keep the answer short.`)) {
          await sleep(this.delayMs, ctx.signal)
          message.thinkingDelta(chunk)
        }
        await stream(`Having thought about it: ${plainAnswer(stripScenarioTags(prompt))}`)
        break
      case 'error':
        await stream('Starting to answer, and then')
        throw new ProviderError('mock provider: simulated upstream failure (overloaded_error)', {code: 'overloaded_error'})
      case 'slow':
        await stream(slowAnswer(stripScenarioTags(prompt)), this.slowDelayMs)
        break
      case 'tool':
      case 'tools':
      case 'loop': {
        if (results.length > 0 && scenario !== 'loop') {
          await stream(answerFromResults(results))
          break
        }
        await stream(scenario === 'tools' ? 'Let me check two tools. ' : 'Let me use a tool. ')
        for (const call of plannedCalls(scenario, prompt)) {
          await sleep(this.delayMs, ctx.signal)
          message.toolCall(call)
        }
        break
      }
    }
    const stopReason = message.toolCalls.length > 0 ? 'tool_calls' : 'stop'
    return appendBlocks(turn, ...message.finish({stopReason, usage: usage()}))
  }

  private async stream(message: StreamingMessage, text: string, delay: number, signal: AbortSignal): Promise<void> {
    let sent = 0
    for (const chunk of wordChunks(text)) {
      // With no delay, a real stream still arrives over I/O a few chunks at a time; a loop of resolved
      // promises would keep every socket of the process waiting until the whole answer was produced.
      if (delay <= 0 && ++sent % IMMEDIATE_CHUNKS === 0) await setImmediate()
      await sleep(delay, signal)
      message.textDelta(chunk)
    }
  }
}

function plannedCalls(scenario: 'tool' | 'tools' | 'loop', prompt: string): ToolCall[] {
  const calc: ToolCall = {id: newId('call'), name: 'calc', args: {expression: expressionFromPrompt(prompt)}}
  const clock: ToolCall = {id: newId('call'), name: 'clock', args: {timezone: 'UTC'}}
  if (scenario === 'tools') return [calc, clock]
  if (scenario === 'tool' && wantsClock(prompt)) return [clock]
  return [calc]
}

interface ToolOutcome {
  name: string
  args: Record<string, unknown>
  result: unknown
  error?: string
}

function toolResultsSinceLastUser(turn: Turn): ToolOutcome[] {
  const calls = new Map<string, {name: string; args: Record<string, unknown>}>()
  const out: ToolOutcome[] = []
  for (const block of turn.blocks) {
    if (block.kind === 'user') {
      calls.clear()
      out.length = 0
      continue
    }
    const call = toolCallOf(block)
    if (call) calls.set(call.id, call)
    const use = toolUseOf(block)
    const made = use ? calls.get(use.id) : undefined
    if (use && made)
      out.push({name: made.name, args: made.args, result: use.result, ...(use.error !== undefined ? {error: use.error} : {})})
  }
  return out
}

function answerFromResults(results: ToolOutcome[]): string {
  const parts = results.map((r) => {
    if (r.error !== undefined) return `the ${r.name} tool failed (${r.error})`
    if (r.name === 'calc') return `${String(r.args.expression)} = ${JSON.stringify((r.result as {value?: unknown})?.value ?? r.result)}`
    if (r.name === 'clock') {
      const iso = (r.result as {iso?: unknown}).iso
      return `the time is ${typeof iso === 'string' ? iso : JSON.stringify(r.result)}`
    }
    return `${r.name} returned ${JSON.stringify(r.result)}`
  })
  return `According to the tools, ${parts.join(', and ')}.`
}

function plainAnswer(prompt: string): string {
  const quoted = prompt.length > 0 ? `You asked: "${prompt}".` : 'You sent an empty prompt.'
  return `${quoted} This is jiminy's offline mock engine, answering without a network or an API key. Add /tool, /tools, /think, /error or /slow to a prompt to try the other scenarios.`
}

function slowAnswer(prompt: string): string {
  const sentence = `This slow answer to "${prompt || 'your prompt'}" streams one word at a time so that you can press Cancel and watch the run stop.`
  return Array.from({length: 4}, () => sentence).join(' ')
}

function countWords(turn: Turn): number {
  let n = 0
  for (const block of turn.blocks) {
    const text = block.payload.text
    if (typeof text === 'string') n += wordChunks(text).length
  }
  return n
}
