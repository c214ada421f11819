import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {pluginDir} from '../plugins/plugin-files.js'
import {jiminy} from './cli-process.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
let configPath: string
const diff = (args: string[]) => jiminy(['diff', '--config', configPath, ...args], {dataHome: tmp.dir, cwd: tmp.dir})

beforeAll(async () => {
  tmp = await pluginDir('jiminy-diff-')
  configPath = await tmp.write(
    'jiminy.yaml',
    `profiles:
  a:
    provider: {type: mock, model: m1}
  b:
    provider: {type: mock, model: m2}
    system_prompt: be brief
    middlewares: [{name: tool-result-reorder}, {name: redact}]
`,
  )
  await tmp.write('overrides.json', JSON.stringify({tools: ['calc'], step_mode: true}))
})
afterAll(() => tmp.cleanup())

describe('jiminy diff', () => {
  it('different profiles: exit 1, one reason per changed path, and the json-diff', async () => {
    const r = await diff(['a', 'b'])
    expect(r.code).toBe(1)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^[0-9a-f]{12} → [0-9a-f]{12}$/)
    expect(lines.slice(1, 5)).toEqual([
      '  middleware redact added',
      '  profile changed: a → b',
      '  provider.model changed: m1 → m2',
      '  system_prompt added',
    ])
    expect(r.stdout).toContain('-    model: "m1"')
    expect(r.stdout).toContain('+    model: "m2"')
    expect(r.stdout).not.toContain('\u001b[')
  })

  it('equal specs exit 0', async () => {
    const r = await diff(['a', 'a'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^equal: [0-9a-f]{12}\n$/)
  })

  it('P+overrides.json, saved signature JSON and --json', async () => {
    const sig = await jiminy(['signature', '--config', configPath, '-p', 'a', '--json'], {dataHome: tmp.dir})
    await writeFile(join(tmp.dir, 'a.sig.json'), sig.stdout)
    const r = await diff(['a.sig.json', 'a+overrides.json', '--json'])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({equal: false, from: {spec: 'a.sig.json', hash: JSON.parse(sig.stdout).hash}, to: {spec: 'a+overrides.json'}})
    expect(out.reasons).toEqual(['step_mode changed: false → true', 'tool clock removed'])
    expect(out.diff).toHaveProperty('step_mode', {__old: false, __new: true})
  })

  it('a bad spec exits 2 naming what was wrong', async () => {
    await writeFile(join(tmp.dir, 'bad.json'), '{"tools": "calc"}')
    const r = await diff(['a', 'a+bad.json'])
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe(`jiminy: ${join(tmp.dir, 'bad.json')}: tools: Invalid input: expected array, received string`)
  })
})
