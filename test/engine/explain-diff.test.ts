import {describe, expect, it} from 'vitest'
import {builtinCatalog} from '../../src/plugins/index.js'
import {ConfigFileSchema, EngineBuilder, explainConfigDiff, renderConfigDiff, type EngineConfig} from '../../src/engine/index.js'

const builder = new EngineBuilder({config: ConfigFileSchema.parse({profiles: {p: {}}}), catalog: builtinCatalog()})
const base = (): EngineConfig => builder.buildConfig('p')
const change = (edit: (c: EngineConfig) => void): EngineConfig => {
  const c = structuredClone(base())
  edit(c)
  return c
}

describe('explainConfigDiff', () => {
  it('equal configs: not changed, no reasons, no diff', () => {
    expect(explainConfigDiff(base(), base())).toEqual({changed: false, reasons: [], diff: undefined})
  })

  it.each<[string, (c: EngineConfig) => void, string[]]>([
    ['system prompt set', (c) => (c.system_prompt = 'be brief'), ['system_prompt added']],
    ['system prompt edited', (c) => (c.system_prompt = 'x'), ['system_prompt added']],
    ['middleware added', (c) => c.middlewares.push({name: 'redact', config: {}}), ['middleware redact added']],
    ['middleware removed', (c) => (c.middlewares = []), ['middleware tool-result-reorder removed']],
    ['middleware config', (c) => (c.middlewares[0]!.config = {x: 1}), ['middleware tool-result-reorder config changed']],
    ['tool removed and added', (c) => (c.tools = ['calc', 'word_count']), ['tool word_count added', 'tool clock removed']],
    ['tools reordered', (c) => (c.tools = ['clock', 'calc']), ['tools reordered: calc, clock → clock, calc']],
    ['tool executor swapped', (c) => (c.tool_executor = {name: 'allowlist', config: {}}), ['tool_executor changed: default → allowlist']],
    ['tool executor config', (c) => (c.tool_executor.config = {allow: ['calc']}), ['tool_executor default config changed']],
    ['subscriber added', (c) => c.subscribers.push({name: 'memory', config: {capacity: 10}}), ['subscriber memory added']],
    ['provider model', (c) => (c.provider.model = 'gpt-4o'), ['provider.model changed: mock-1 → gpt-4o']],
    ['provider field added', (c) => (c.provider.temperature = 0.2), ['provider.temperature added: 0.2']],
    ['loop', (c) => (c.loop.max_iterations = 9), ['loop.max_iterations changed: 5 → 9']],
    ['step mode', (c) => (c.step_mode = true), ['step_mode changed: false → true']],
    ['profile', (c) => (c.profile = 'q'), ['profile changed: p → q']],
    ['plugin version', (c) => (c.plugins['jiminy-builtins'] = '9.9.9'), ['plugin jiminy-builtins 1.1.0 → 9.9.9']],
    ['plugin added', (c) => (c.plugins.x = 'sha256:abc'), ['plugin x added (sha256:abc)']],
    ['plugin removed', (c) => (c.plugins = {}), ['plugin jiminy-builtins removed (was 1.1.0)']],
  ])('%s', (_label, edit, reasons) => {
    const explained = explainConfigDiff(base(), change(edit))
    expect(explained.changed).toBe(true)
    expect(explained.reasons).toEqual(reasons)
    expect(explained.diff).toBeTruthy()
  })

  it('system prompt changed and removed', () => {
    const a = change((c) => (c.system_prompt = 'one'))
    expect(
      explainConfigDiff(
        a,
        change((c) => (c.system_prompt = 'two')),
      ).reasons,
    ).toEqual(['system_prompt changed'])
    expect(explainConfigDiff(a, base()).reasons).toEqual(['system_prompt removed'])
  })

  it('middlewares reordered', () => {
    const a = change((c) => c.middlewares.push({name: 'redact', config: {}}))
    const b = change((c) => c.middlewares.unshift({name: 'redact', config: {}}))
    expect(explainConfigDiff(a, b).reasons).toEqual(['middlewares reordered: tool-result-reorder, redact → redact, tool-result-reorder'])
  })

  it('several changes give one reason each, sorted by top-level key', () => {
    const b = change((c) => {
      c.system_prompt = 'hi'
      c.step_mode = true
      c.provider.model = 'm2'
    })
    expect(explainConfigDiff(base(), b).reasons).toEqual([
      'provider.model changed: mock-1 → m2',
      'step_mode changed: false → true',
      'system_prompt added',
    ])
  })

  it('never shows a secret, in reasons or diff', () => {
    const key = `sk-${'z'.repeat(30)}`
    const b = change((c) => {
      c.system_prompt = `use ${key}`
      c.middlewares.push({name: 'redact', config: {api_key: 'plain-secret-value'}})
    })
    const explained = explainConfigDiff(base(), b)
    const all = JSON.stringify(explained) + renderConfigDiff(explained.diff)
    expect(all).not.toContain(key)
    expect(all).not.toContain('plain-secret-value')
  })

  it('renders the diff json-diff style, coloured only when asked', () => {
    const explained = explainConfigDiff(
      base(),
      change((c) => (c.provider.model = 'gpt-4o')),
    )
    const plain = renderConfigDiff(explained.diff)
    expect(plain).toContain('-    model: "mock-1"')
    expect(plain).toContain('+    model: "gpt-4o"')
    expect(plain).not.toContain('\u001b[')
    expect(renderConfigDiff(undefined)).toBe('')
  })
})
