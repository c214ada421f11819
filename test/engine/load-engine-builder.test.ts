import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {PluginLoadError} from '../../src/plugins/index.js'
import {ConfigError, loadEngineBuilder, parseOverrideAssignments, resolveConfigSpec, signatureOf} from '../../src/engine/index.js'
import {pluginDir, pluginSource} from '../plugins/plugin-files.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
beforeEach(async () => {
  tmp = await pluginDir('jiminy-engine-')
})
afterEach(() => tmp.cleanup())

const yaml = (plugins: string[], profiles: string) =>
  `plugins: [${plugins.map((p) => JSON.stringify(p)).join(', ')}]\nprofiles:\n${profiles}`
const load = (configPath: string) => loadEngineBuilder({configPath, dataDir: false})

describe('loadEngineBuilder', () => {
  it('records the content hash of a used local plugin: editing it changes the signature of profiles using it, only', async () => {
    await tmp.write('plugins/mine.js', pluginSource({name: 'mine', middleware: 'mine-mw', marker: 'one'}))
    const configPath = await tmp.write(
      'jiminy.yaml',
      yaml(['plugins/mine.js'], `  uses:\n    middlewares: [{name: mine-mw}]\n  plain: {}\n`),
    )
    const before = await load(configPath)
    const usesBefore = before.buildConfig('uses')
    expect(Object.keys(usesBefore.plugins)).toEqual(['jiminy-builtins', 'mine'])
    expect(usesBefore.plugins.mine).toMatch(/^sha256:[0-9a-f]{16}$/)
    expect(usesBefore.middlewares).toEqual([{name: 'mine-mw', config: {level: 1}}])
    expect(before.watchedFiles).toEqual([configPath, join(tmp.dir, 'plugins/mine.js')])

    await tmp.write('plugins/mine.js', pluginSource({name: 'mine', middleware: 'mine-mw', marker: 'two'}))
    const after = await load(configPath)
    expect(signatureOf(after.buildConfig('uses')).hash).not.toBe(signatureOf(usesBefore).hash)
    expect(signatureOf(after.buildConfig('plain')).canonical).toBe(signatureOf(before.buildConfig('plain')).canonical)
  })

  it('checks every profile at load: a bad contribution config names the file and the field', async () => {
    await tmp.write('mine.js', pluginSource({name: 'mine', middleware: 'mine-mw'}))
    const configPath = await tmp.write(
      'jiminy.yaml',
      yaml(['mine.js'], `  ok: {}\n  bad:\n    middlewares: [{name: mine-mw, config: {level: "high"}}]\n`),
    )
    const error = (await load(configPath).catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.field).toBe('profiles.bad.middlewares.0.config.level')
    expect(error.message).toMatch(new RegExp(`^${configPath}: profiles\\.bad\\.middlewares\\.0\\.config\\.level: `))
  })

  it('an unknown contribution names the field and the known names', async () => {
    const configPath = await tmp.write('jiminy.yaml', `profiles:\n  p:\n    subscribers: [{name: nope}]\n`)
    await expect(load(configPath)).rejects.toThrow(
      /jiminy\.yaml: profiles\.p\.subscribers\.0\.name: unknown subscriber "nope" \(known: [a-z, ]*memory/,
    )
  })

  it('a broken local plugin is one PluginLoadError naming the file', async () => {
    const file = await tmp.write('broken.js', 'export default {name: "b"}')
    const configPath = await tmp.write('jiminy.yaml', yaml(['broken.js'], '  p: {}\n'))
    const error = (await load(configPath).catch((e: unknown) => e)) as PluginLoadError
    expect(error).toBeInstanceOf(PluginLoadError)
    expect(error.message).toBe(`${file}: version: Invalid input: expected string, received undefined`)
  })

  it('refuses credentials in a provider base_url', async () => {
    const configPath = await tmp.write(
      'jiminy.yaml',
      `profiles:\n  p:\n    provider: {type: openai-compatible, base_url: "https://u:p@example.test/v1"}\n`,
    )
    await expect(load(configPath)).rejects.toThrow(/profiles\.p\.provider\.base_url: must not carry credentials/)
  })

  it('subscribers become sinks of the built engine', async () => {
    const configPath = await tmp.write('jiminy.yaml', `profiles:\n  p:\n    subscribers: [{name: memory, config: {capacity: 5}}]\n`)
    const builder = await load(configPath)
    const config = builder.buildConfig('p')
    expect(config.subscribers).toEqual([{name: 'memory', config: {capacity: 5}}])
    expect(builder.buildFromConfig('c1', config).sinks).toHaveLength(1)
  })
})

describe('parseOverrideAssignments', () => {
  it('dotted keys, JSON values, strings otherwise', () => {
    expect(
      parseOverrideAssignments([
        'provider.model=gpt-4o',
        'loop.max_iterations=3',
        'step_mode=true',
        'tools=["calc"]',
        'system_prompt=be brief',
      ]),
    ).toEqual({
      provider: {model: 'gpt-4o'},
      loop: {max_iterations: 3},
      step_mode: true,
      tools: ['calc'],
      system_prompt: 'be brief',
    })
  })

  it.each([
    ['nokey', 'overrides', /expected key=value/],
    ['loop.max_iterations=0', 'overrides.loop.max_iterations', /too small|>=1/],
    ['colour=red', 'overrides', /Unrecognized key/],
  ])('%s is a ConfigError naming %s', (assignment, field, message) => {
    const error = (() => {
      try {
        parseOverrideAssignments([assignment])
      } catch (e) {
        return e
      }
    })() as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.field).toBe(field)
    expect(error.message).toMatch(message)
  })
})

describe('resolveConfigSpec', () => {
  it('profile, profile+overrides file, saved config and saved signature JSON', async () => {
    const configPath = await tmp.write('jiminy.yaml', 'profiles:\n  p: {}\n')
    const builder = await load(configPath)
    const plain = resolveConfigSpec('p', builder, tmp.dir)
    await tmp.write('o.json', JSON.stringify({system_prompt: 'hi'}))
    const withOverrides = resolveConfigSpec('p+o.json', builder, tmp.dir)
    expect(withOverrides.config.system_prompt).toBe('hi')
    await writeFile(join(tmp.dir, 'saved.json'), JSON.stringify(plain.config))
    expect(resolveConfigSpec('saved.json', builder, tmp.dir).signature).toEqual(plain.signature)
    await writeFile(
      join(tmp.dir, 'sig.json'),
      JSON.stringify({profile: 'p', hash: plain.signature.hash, canonical: plain.signature.canonical, config: plain.config}),
    )
    expect(resolveConfigSpec('sig.json', builder, tmp.dir).signature).toEqual(plain.signature)
  })

  it('bad files name the file and the field', async () => {
    const builder = await load(await tmp.write('jiminy.yaml', 'profiles:\n  p: {}\n'))
    await tmp.write('o.json', JSON.stringify({system_prompt: 3}))
    expect(() => resolveConfigSpec('p+o.json', builder, tmp.dir)).toThrow(/o\.json: system_prompt: /)
    await tmp.write('c.json', JSON.stringify({profile: 'p'}))
    expect(() => resolveConfigSpec('c.json', builder, tmp.dir)).toThrow(/c\.json: provider: /)
    expect(() => resolveConfigSpec('p+missing.json', builder, tmp.dir)).toThrow(/missing\.json: file not found/)
  })
})
