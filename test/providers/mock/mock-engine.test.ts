import {describe, expect, it} from 'vitest'
import {Session, CollectingSink, toolLoop, type Event} from '../../../src/core/index.js'
import {MockEngine} from '../../../src/providers/index.js'
import {builtinCatalog} from '../../../src/plugins/index.js'
import {expressionFromPrompt, scenarioFromPrompt, stripScenarioTags, wordChunks} from '../../../src/providers/mock/scenarios.js'

async function run(prompt: string, options: ConstructorParameters<typeof MockEngine>[0] = {}) {
  const engine = new MockEngine({delayMs: 0, ...options})
  const registry = builtinCatalog().toolRegistry(['calc', 'clock'])
  const sink = new CollectingSink()
  const session = new Session('conv', {run: toolLoop({inference: (t, c) => engine.runInference(t, c), registry}), sinks: [sink]})
  const handle = session.start(session.seedWithPrompt(prompt))
  return {handle, outcome: await handle.wait(), events: sink.events}
}

const types = (events: Event[]) => events.map((e) => e.type)

describe('mock engine scenarios', () => {
  it('picks scenarios from prompt tags and strips them', () => {
    expect(scenarioFromPrompt('what is 2+3? /tool')).toBe('tool')
    expect(scenarioFromPrompt('a/b path /unknown')).toBe('plain')
    expect(stripScenarioTags('what is 2+3? /tool')).toBe('what is 2+3?')
    expect(expressionFromPrompt('what is 2+3? /tool')).toBe('2+3')
    expect(wordChunks('a b  c').join('')).toBe('a b  c')
  })

  it('plain: streams word chunks whose cumulative text ends as the final text and quotes the prompt', async () => {
    const {outcome, events} = await run('tell me about otters')
    const partials = events.filter((e) => e.type === 'partial')
    expect(partials.length).toBeGreaterThan(5)
    const final = events.find((e) => e.type === 'final')!
    expect(final.type === 'final' && final.text).toContain('tell me about otters')
    expect(partials.at(-1)!.type === 'partial' && partials.at(-1)!.completion).toBe(final.type === 'final' && final.text)
    expect(new Set(events.filter((e) => e.type !== 'run-finished').map((e) => e.meta.message_id)).size).toBe(1)
    expect(outcome.status).toBe('completed')
  })

  it('tool: calls calc with the expression from the prompt, then answers with its result', async () => {
    const {outcome, events} = await run('what is 2+3? /tool')
    const call = events.find((e) => e.type === 'tool-call')
    expect(call).toMatchObject({tool_call: {name: 'calc', args: {expression: '2+3'}}})
    expect(events.find((e) => e.type === 'tool-call-execution-result')).toMatchObject({tool_result: {result: {value: 5}}})
    expect(outcome.turn.blocks.at(-1)).toMatchObject({kind: 'llm_text', payload: {text: expect.stringContaining('2+3 = 5')}})
  })

  it('tool: uses clock when the prompt asks for the time; tools: calls both', async () => {
    const clock = await run('what time is it? /tool')
    expect(clock.events.find((e) => e.type === 'tool-call')).toMatchObject({tool_call: {name: 'clock'}})
    const both = await run('7*6 and the time /tools')
    expect(both.events.filter((e) => e.type === 'tool-call').map((e) => e.type === 'tool-call' && e.tool_call.name)).toEqual([
      'calc',
      'clock',
    ])
  })

  it('think: thinking deltas come before the answer', async () => {
    const {events} = await run('hi /think')
    const t = types(events)
    expect(t.indexOf('partial-thinking')).toBeGreaterThan(-1)
    expect(t.lastIndexOf('partial-thinking')).toBeLessThan(t.indexOf('partial'))
    expect(events.find((e) => e.type === 'final')?.type).toBe('final')
  })

  it('error: fails mid-stream with a provider error after some text', async () => {
    const {outcome, events} = await run('hi /error')
    expect(outcome.status).toBe('failed')
    expect(t0(events, 'partial')).toBeLessThan(t0(events, 'error'))
    expect(events.filter((e) => e.type !== 'run-finished').at(-1)).toMatchObject({type: 'error', code: 'overloaded_error'})
  })

  it('slow: can be cancelled mid-stream', async () => {
    const engine = new MockEngine({delayMs: 0, slowDelayMs: 20})
    const sink = new CollectingSink()
    const session = new Session('conv', {run: (t, c) => engine.runInference(t, c), sinks: [sink]})
    const handle = session.start(session.seedWithPrompt('/slow'))
    await new Promise((r) => setTimeout(r, 120))
    handle.cancel()
    const outcome = await handle.wait()
    expect(outcome.status).toBe('cancelled')
    expect(types(sink.events)).toContain('interrupt')
    expect(types(sink.events)).not.toContain('final')
  })

  it('a fixed scenario from the profile overrides prompt tags; an unknown one is refused', async () => {
    const {events} = await run('plain words', {scenario: 'think'})
    expect(types(events)).toContain('partial-thinking')
    expect(() => new MockEngine({scenario: 'nope'})).toThrow(/unknown mock scenario/)
  })
})

function t0(events: Event[], type: Event['type']): number {
  return events.findIndex((e) => e.type === type)
}
