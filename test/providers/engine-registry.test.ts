import {describe, expect, it} from 'vitest'
import {CollectingSink, Session, toolLoop, type Event} from '../../src/core/index.js'
import {builtinCatalog} from '../../src/plugins/index.js'
import {constructEngine, createLazyEngine} from '../../src/providers/engine-registry.js'
import {createEngine, engineRecipe, type ProviderConfig} from '../../src/providers/index.js'

// The lazy registry (engine modules imported on first use) against the barrel's createEngine, which
// loads every engine class up front: same engine, same errors at the same moment.
const ENV = {OPENAI_API_KEY: 'k-openai', ANTHROPIC_API_KEY: 'k-anthropic', GEMINI_API_KEY: 'k-gemini', OPENAI_ORG_ID: 'org-1'}
const deps = (env: NodeJS.ProcessEnv = ENV) => ({tools: builtinCatalog().toolRegistry(['calc']).list(), env})

const CONFIGS: readonly ProviderConfig[] = [
  {type: 'mock'},
  {type: 'mock', model: 'mock-2', delay_ms: 0, scenario: 'tool'},
  {type: 'openai-chat', model: 'gpt-x', temperature: 0.5, max_tokens: 10},
  {type: 'openai-compatible', model: 'llama', base_url: 'http://127.0.0.1:11434/v1'},
  {type: 'openai-responses', model: 'gpt-y', reasoning: {effort: 'low'}},
  {type: 'anthropic', model: 'claude', max_retries: 0, stall_timeout_ms: 1000},
  {type: 'gemini', model: 'gemini-z', headers: {'X-Trace': 'on'}},
]

describe('lazy engine registry', () => {
  it.each(CONFIGS.map((c) => [`${c.type} ${c.model ?? ''}`, c] as const))(
    '%s: constructs the very engine createEngine does',
    async (_name, config) => {
      const eager = createEngine(config, deps())
      const lazy = await constructEngine(engineRecipe(config, deps()))
      expect(lazy.constructor).toBe(eager.constructor)
      expect(lazy).toStrictEqual(eager)
    },
  )

  it.each([
    [{type: 'anthropic', model: 'm'}, /ANTHROPIC_API_KEY/],
    [{type: 'gemini'}, /needs a model/],
    [{type: 'openai-chat', model: 'm', headers: {'X-Org': '${NOPE}'}}, /NOPE/],
    [{type: 'mock', scenario: 'nope'}, /unknown mock scenario/],
  ] as const)('throws when built, before any engine module loads: %j', (config, message) => {
    expect(() => createEngine(config, deps({OPENAI_API_KEY: 'k'}))).toThrow(message)
    expect(() => createLazyEngine(config, deps({OPENAI_API_KEY: 'k'}))).toThrow(message)
  })

  it('runs a mock conversation with the same events as the eager engine', async () => {
    const run = async (engine: ReturnType<typeof createEngine>) => {
      const sink = new CollectingSink()
      const registry = builtinCatalog().toolRegistry(['calc'])
      const session = new Session('conv', {run: toolLoop({inference: (t, c) => engine.runInference(t, c), registry}), sinks: [sink]})
      const outcome = await session.start(session.seedWithPrompt('what is 2+3? /tool')).wait()
      const shape = (e: Event) => ({type: e.type, ...('text' in e ? {text: e.text} : {}), ...('completion' in e ? {c: e.completion} : {})})
      return {status: outcome.status, events: sink.events.map(shape)}
    }
    const config: ProviderConfig = {type: 'mock', delay_ms: 0}
    const eager = await run(createEngine(config, deps()))
    expect(eager.events.length).toBeGreaterThan(5)
    expect(await run(createLazyEngine(config, deps()))).toEqual(eager)
  })
})
