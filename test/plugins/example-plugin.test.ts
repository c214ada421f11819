import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {jiminy, root} from '../commands/cli-process.js'
import {pluginDir} from './plugin-files.js'

const example = join(root, 'examples/jiminy-plugin-example')
let tmp: Awaited<ReturnType<typeof pluginDir>>
let configPath: string

beforeAll(async () => {
  tmp = await pluginDir('jiminy-example-')
  configPath = await tmp.write(
    'jiminy.yaml',
    `profiles:
  shouty:
    provider: {type: mock, delay_ms: 0}
    middlewares: [{name: shout, config: {suffix: "!!"}}]
    tool_executor: {name: audited, config: {label: audit}}
    tools: [calc, word_count]
`,
  )
  // An isolated oclif data dir: the developer's own plugins are never touched or seen.
  const linked = await jiminy(['plugins', 'link', example, '--no-install'], {dataHome: tmp.dir})
  expect(linked.code, linked.stderr).toBe(0)
})
afterAll(() => tmp.cleanup())

describe('examples/jiminy-plugin-example', () => {
  it('is linked through oclif into the isolated data dir', async () => {
    const pjson = JSON.parse(await readFile(join(tmp.dir, 'jiminy', 'package.json'), 'utf8'))
    expect(pjson.oclif.plugins).toEqual([{name: 'jiminy-plugin-example', root: example, type: 'link'}])
    const listed = await jiminy(['plugins'], {dataHome: tmp.dir})
    expect(listed.stdout).toContain('jiminy-plugin-example 1.0.0 (link)')
  })

  it('its middleware, tool executor and tool are used from a profile in `jiminy run`', async () => {
    const r = await jiminy(['run', '--config', configPath, '--profile', 'shouty', '--json', 'what is 2+3? /tool'], {dataHome: tmp.dir})
    expect(r.code, r.stderr).toBe(0)
    const {turn, events} = JSON.parse(r.stdout) as {
      turn: {blocks: {kind: string; payload: {text?: string}}[]}
      events: {type: string; result?: unknown}[]
    }
    // audited executor wrapped the calc result
    const executed = events.find((e) => e.type === 'tool-call-execution-result')
    expect(JSON.stringify(executed)).toContain('"audit":1')
    expect(JSON.stringify(executed)).toContain('"value":5')
    // shout middleware upper-cased the final assistant text and added its suffix
    const finalText = turn.blocks.filter((b) => b.kind === 'llm_text').at(-1)!.payload.text!
    expect(finalText).toBe(finalText.toUpperCase())
    expect(finalText.endsWith('!!')).toBe(true)
    expect(finalText).toContain('ACCORDING TO THE TOOLS')
  })

  it('its tool is offered to the engine and its version and content hash are in the signature', async () => {
    const r = await jiminy(['signature', '--config', configPath, '--profile', 'shouty', '--json'], {dataHome: tmp.dir})
    expect(r.code, r.stderr).toBe(0)
    const {config} = JSON.parse(r.stdout)
    expect(config.tools).toEqual(['calc', 'word_count'])
    expect(config.plugins['jiminy-plugin-example']).toMatch(/^1\.0\.0\+sha256\.[0-9a-f]{16}$/)
  })

  it('without the link, the profile fails naming the file, the field and the unknown contribution', async () => {
    const other = await pluginDir('jiminy-example-unlinked-')
    try {
      const r = await jiminy(['run', '--config', configPath, '--profile', 'shouty', 'hi'], {dataHome: other.dir})
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('jiminy.yaml: profiles.shouty.tools.1: unknown tool "word_count"')
    } finally {
      await other.cleanup()
    }
  })
})
