import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ConfigError, parseConfigText} from '../../src/engine/index.js'
import {jiminy} from '../commands/cli-process.js'

/** The problem starts on line 8 in each: an unclosed `[`, `{` or quote the parser only notices later. */
const HEAD = 'default_profile: a\nprofiles:\n  a:\n    provider:\n      type: mock\n    system_prompt: hi\n    max_iterations: 3\n'
const BROKEN: Record<string, string> = {
  'an unclosed [': `${HEAD}    tools: [calc\n    middlewares: []\n  b:\n    provider: {type: mock}\n`,
  'an unclosed [ at the end of the file': `${HEAD}    tools: [calc, clock\n`,
  'an unclosed {': `${HEAD}    provider: {type: mock\n    tools: []\n`,
  'an unclosed nested [': `${HEAD}    tools: [calc, [clock]\n    middlewares: []\n`,
  'an unclosed double quote': `${HEAD}    system_prompt: "hello\n    tools: []\n  b:\n    provider: {type: mock}\n`,
}

function lineOf(text: string): number | undefined {
  try {
    parseConfigText(text, 'jiminy.yaml')
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).line
  }
  throw new Error('expected a YAML error')
}

describe('YAML errors name the line where the problem starts', () => {
  for (const [name, text] of Object.entries(BROKEN)) {
    it(name, () => {
      expect(lineOf(text)).toBe(8)
    })
  }

  it('an error that is not an unclosed bracket keeps its own line', () => {
    expect(lineOf('a:\n  b: 1\n c: 2\n')).toBe(3)
  })

  it('a closed flow sequence before the error does not move it', () => {
    expect(lineOf('a: [1, 2]\nb:\n  c: 1\n d: 2\n')).toBe(4)
  })
})

describe('the CLI names the same line', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jiminy-yaml-line-'))
  })
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('with and without --json', async () => {
    const config = join(dir, 'jiminy.yaml')
    await writeFile(config, BROKEN['an unclosed [']!)
    const text = await jiminy(['profiles', 'list', '--config', config], {dataHome: dir})
    expect(text.code).toBe(2)
    expect(text.stderr).toMatch(/invalid YAML at line 8:/)
    const json = await jiminy(['profiles', 'list', '--config', config, '--json'], {dataHome: dir})
    expect(json.code).toBe(2)
    expect((JSON.parse(json.stdout) as {error: {message: string}}).error.message).toMatch(/invalid YAML at line 8:/)
  })
})
