import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadEngineBuilder, parseOverrideAssignments, signatureOf} from '../../src/engine/index.js'
import {pluginDir, pluginSource} from '../plugins/plugin-files.js'
import {jiminy} from './cli-process.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
let configPath: string
let dataHome: string
const KEYS = {
  OPENAI_API_KEY: `sk-proj-${'A1b2C3d4'.repeat(5)}`,
  ANTHROPIC_API_KEY: `sk-ant-${'Z9y8X7w6'.repeat(5)}`,
  GEMINI_API_KEY: `AIza${'Q'.repeat(35)}`,
  JIMINY_TOKEN: 'tok-very-secret-value-123',
}
const yaml = (systemPrompt: string) => `plugins: [p.js]
profiles:
  main:
    provider: {type: openai-chat, model: gpt-4o-mini, api_key_env: OPENAI_API_KEY, temperature: 0.3}
    system_prompt: ${JSON.stringify(systemPrompt)}
    middlewares: [{name: redact, config: {patterns: ["secret-[0-9]+"]}}, {name: tool-result-reorder}]
    tools: [calc]
    tool_executor: {name: allowlist, config: {allow: [calc]}}
  uses-plugin:
    middlewares: [{name: p-mw}]
`
const sig = (args: string[], env: NodeJS.ProcessEnv = {}) => jiminy(['signature', '--config', configPath, ...args], {dataHome, env})

beforeAll(async () => {
  tmp = await pluginDir('jiminy-signature-')
  dataHome = tmp.dir
  await tmp.write('p.js', pluginSource({name: 'p', middleware: 'p-mw', marker: 'one'}))
  configPath = await tmp.write('jiminy.yaml', yaml('be brief'))
})
afterAll(() => tmp.cleanup())

describe('jiminy signature', () => {
  it('prints the short hash and the canonical config; same input → same bytes across processes', async () => {
    const runs = [await sig(['-p', 'main']), await sig(['-p', 'main'], KEYS)]
    for (const r of runs) expect(r.code).toBe(0)
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout)
    const [head, canonical] = runs[0]!.stdout.trimEnd().split('\n')
    expect(head).toMatch(/^[0-9a-f]{12} {2}main$/)
    const config = JSON.parse(canonical!)
    expect(Object.keys(config)).toEqual([...Object.keys(config)].sort())
    expect(config).toMatchObject({
      profile: 'main',
      provider: {type: 'openai-chat', model: 'gpt-4o-mini', api_key_env: 'OPENAI_API_KEY'},
      plugins: {'jiminy-builtins': expect.any(String)},
    })
  })

  it('--json carries the same hash and canonical text', async () => {
    const [plain, json] = await Promise.all([sig(['-p', 'main']), sig(['-p', 'main', '--json'])])
    const parsed = JSON.parse(json.stdout)
    expect(plain.stdout).toBe(`${parsed.hash}  main\n${parsed.canonical}\n`)
    expect(parsed.config).toEqual(JSON.parse(parsed.canonical))
  })

  it('contains no key, even with keys in the environment and in overrides', async () => {
    const r = await sig(['-p', 'main', '--json', '--override', `system_prompt=use ${KEYS.OPENAI_API_KEY}`], KEYS)
    expect(r.code).toBe(0)
    for (const value of Object.values(KEYS)) expect(r.stdout + r.stderr).not.toContain(value)
    expect(r.stdout).toContain('[redacted]')
  })

  it('changes when any input changes (same library path as the command, in-process)', async () => {
    const builder = await loadEngineBuilder({configPath, dataDir: false})
    const hash = (assignments: string[]) => signatureOf(builder.buildConfig('main', parseOverrideAssignments(assignments))).hash
    const variants = [
      [],
      ['provider.model=gpt-4o'],
      ['provider.temperature=0.4'],
      ['system_prompt=be long'],
      ['tools=["calc","clock"]'],
      ['middlewares=[{"name":"tool-result-reorder"}]'],
      ['loop.max_iterations=2'],
      ['step_mode=true'],
    ]
    expect(new Set(variants.map(hash)).size).toBe(variants.length)
    expect(hash([])).toBe((await sig(['-p', 'main'])).stdout.slice(0, 12))
  })

  it('a profile using a local plugin changes when the plugin file changes; others do not', async () => {
    const before = await sig(['-p', 'uses-plugin'])
    const main = signatureOf((await loadEngineBuilder({configPath, dataDir: false})).buildConfig('main')).canonical
    await tmp.write('p.js', pluginSource({name: 'p', middleware: 'p-mw', marker: 'two'}))
    const after = await sig(['-p', 'uses-plugin'])
    expect(after.code).toBe(0)
    expect(after.stdout).not.toBe(before.stdout)
    expect(signatureOf((await loadEngineBuilder({configPath, dataDir: false})).buildConfig('main')).canonical).toBe(main)
  })

  it('bad input exits 2 with one line naming the field', async () => {
    const r = await sig(['-p', 'main', '-o', 'loop.max_iterations=0'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toMatch(/^jiminy: overrides\.loop\.max_iterations: /)
    const unknown = await sig(['-p', 'nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown profile "nope"')
  })
})
