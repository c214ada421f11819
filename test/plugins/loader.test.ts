import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {PluginLoadError, findInstalledPlugins, loadPlugins} from '../../src/plugins/index.js'
import {pluginDir, pluginSource} from './plugin-files.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
beforeEach(async () => {
  tmp = await pluginDir()
})
afterEach(async () => {
  await tmp.cleanup()
})

/** An oclif data dir with the given packages linked (as `jiminy plugins link` writes it). */
async function dataDirWith(packages: {name: string; version: string; source: string; field?: boolean}[]): Promise<string> {
  const dataDir = join(tmp.dir, 'data', 'jiminy')
  await mkdir(dataDir, {recursive: true})
  const plugins = []
  for (const p of packages) {
    const root = join(tmp.dir, 'pkgs', p.name)
    await tmp.write(
      join('pkgs', p.name, 'package.json'),
      JSON.stringify({
        name: p.name,
        version: p.version,
        type: 'module',
        oclif: {},
        ...(p.field === false ? {} : {jiminy: {plugin: './plugin.js'}}),
      }),
    )
    await tmp.write(join('pkgs', p.name, 'plugin.js'), p.source)
    plugins.push({name: p.name, root, type: 'link'})
  }
  await writeFile(join(dataDir, 'package.json'), JSON.stringify({name: 'jiminy', private: true, oclif: {schema: 1, plugins}}))
  return dataDir
}

describe('loadPlugins', () => {
  it('loads built-ins, then installed oclif plugins (by package name), then local files (in listed order)', async () => {
    const dataDir = await dataDirWith([
      {name: 'zeta-plugin', version: '2.0.0', source: pluginSource({name: 'zeta', middleware: 'zeta-mw'})},
      {name: 'alpha-plugin', version: '1.2.0', source: pluginSource({name: 'alpha', tool: 'alpha_tool'})},
      {name: 'commands-only', version: '1.0.0', source: 'throw new Error("never imported")', field: false},
    ])
    await tmp.write('conf/local-b.js', pluginSource({name: 'local-b', executor: 'b-exec'}))
    await tmp.write('conf/sub/local-a.js', pluginSource({name: 'local-a', middleware: 'a-mw'}))
    const {catalog, localFiles} = await loadPlugins({
      dataDir,
      baseDir: join(tmp.dir, 'conf'),
      localPaths: ['local-b.js', './sub/local-a.js'],
    })
    expect(catalog.plugins.map((p) => [p.plugin.name, p.origin])).toEqual([
      ['jiminy-builtins', 'builtin'],
      ['alpha', 'installed'],
      ['zeta', 'installed'],
      ['local-b', 'local'],
      ['local-a', 'local'],
    ])
    expect(localFiles).toEqual([join(tmp.dir, 'conf/local-b.js'), join(tmp.dir, 'conf/sub/local-a.js')])
    expect(catalog.middleware('zeta-mw')?.plugin.plugin.name).toBe('zeta')
    expect(catalog.toolExecutor('b-exec')?.plugin.origin).toBe('local')
    expect(catalog.tool('alpha_tool')?.plugin.source).toContain('oclif plugin alpha-plugin')
    // Linked packages: version + content hash; local files: content hash.
    expect(catalog.plugins[1]!.fingerprint).toMatch(/^1\.2\.0\+sha256\.[0-9a-f]{16}$/)
    expect(catalog.plugins[3]!.fingerprint).toMatch(/^sha256:[0-9a-f]{16}$/)
  })

  it('an installed (not linked) package is found in the data dir node_modules and fingerprinted by its version', async () => {
    const dataDir = join(tmp.dir, 'data')
    await tmp.write('data/package.json', JSON.stringify({oclif: {plugins: [{name: 'npm-plugin', type: 'user', tag: 'latest'}]}}))
    await tmp.write(
      'data/node_modules/npm-plugin/package.json',
      JSON.stringify({name: 'npm-plugin', version: '3.1.4', type: 'module', jiminy: {plugin: 'dist/p.js'}}),
    )
    await tmp.write('data/node_modules/npm-plugin/dist/p.js', pluginSource({name: 'npm-plugin', tool: 'npm_tool'}))
    const found = await findInstalledPlugins(dataDir)
    expect(found).toMatchObject([
      {packageName: 'npm-plugin', version: '3.1.4', type: 'user', entry: join(dataDir, 'node_modules/npm-plugin/dist/p.js')},
    ])
    const {catalog} = await loadPlugins({dataDir})
    expect(catalog.plugins.at(-1)).toMatchObject({origin: 'installed', fingerprint: '3.1.4'})
  })

  it('a missing data dir means no installed plugins', async () => {
    const {catalog} = await loadPlugins({dataDir: join(tmp.dir, 'nowhere')})
    expect(catalog.plugins.map((p) => p.plugin.name)).toEqual(['jiminy-builtins'])
  })

  it('a contribution name clash names both sources', async () => {
    const file = await tmp.write('clash.js', pluginSource({name: 'clashing', middleware: 'redact'}))
    const error = await loadPlugins({localPaths: [file]}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PluginLoadError)
    expect((error as Error).message).toContain('middleware name clash: "redact" is provided by both builtin (jiminy-builtins) and')
    expect((error as Error).message).toContain(`${file} (clashing)`)
  })

  it('a plugin name clash between an installed package and a local file names both', async () => {
    const dataDir = await dataDirWith([{name: 'twin-pkg', version: '1.0.0', source: pluginSource({name: 'twin'})}])
    const file = await tmp.write('twin.js', pluginSource({name: 'twin'}))
    await expect(loadPlugins({dataDir, localPaths: [file]})).rejects.toThrow(
      /plugin name clash: twin is provided by both oclif plugin twin-pkg \(.*plugin\.js\) and .*twin\.js/,
    )
  })

  it('a missing local file names the file and where the config lists it', async () => {
    const error = (await loadPlugins({baseDir: tmp.dir, localPaths: ['gone.js'], configPath: '/cfg/jiminy.yaml'}).catch(
      (e: unknown) => e,
    )) as PluginLoadError
    expect(error).toBeInstanceOf(PluginLoadError)
    expect(error.file).toBe(join(tmp.dir, 'gone.js'))
    expect(error.message).toBe(`${join(tmp.dir, 'gone.js')}: file not found (listed in /cfg/jiminy.yaml at plugins.0)`)
  })

  it.each([
    ['a syntax error', 'export default {', undefined, /cannot import/],
    [
      'a bad shape',
      'export default {name: "bad", version: "1", middlewares: [{name: "m", create: () => (n) => n}]}',
      'middlewares.0.config',
      /must be a zod schema/,
    ],
    ['no default export', 'export const plugin = 1', 'default', /default export must be/],
    ['a throwing factory', 'export default () => { throw new Error("boom") }', undefined, /plugin factory failed: boom/],
  ])('%s gives one error naming the file (and the field)', async (_label, source, field, message) => {
    const file = await tmp.write('broken.js', source)
    const error = (await loadPlugins({localPaths: [file]}).catch((e: unknown) => e)) as PluginLoadError
    expect(error).toBeInstanceOf(PluginLoadError)
    expect(error.file).toBe(file)
    expect(error.field).toBe(field)
    expect(error.message.startsWith(`${file}: ${field ? `${field}: ` : ''}`)).toBe(true)
    expect(error.message).toMatch(message)
  })

  it('accepts a plain plugin object as the default export too', async () => {
    const file = await tmp.write(
      'plain.mjs',
      `const anything = {safeParse: (v) => ({success: true, data: v})}\nexport default {name: 'plain', version: '1.0.0', middlewares: [{name: 'plain-mw', config: anything, create: () => (n) => n}]}\n`,
    )
    const {catalog} = await loadPlugins({localPaths: [file]})
    expect(catalog.middleware('plain-mw')?.plugin.plugin.name).toBe('plain')
  })

  it('an edited local file is imported afresh with a new fingerprint', async () => {
    const file = await tmp.write('edit.js', pluginSource({name: 'edit', tool: 'edit_tool', marker: 'one'}))
    const first = await loadPlugins({localPaths: [file]})
    await writeFile(file, pluginSource({name: 'edit', tool: 'edit_tool', marker: 'two'}))
    const second = await loadPlugins({localPaths: [file]})
    expect(second.catalog.plugins.at(-1)!.fingerprint).not.toBe(first.catalog.plugins.at(-1)!.fingerprint)
    const ctx = {signal: new AbortController().signal, callId: 'c'}
    expect(await first.catalog.tool('edit_tool')!.item.run({}, ctx)).toBe('one')
    expect(await second.catalog.tool('edit_tool')!.item.run({}, ctx)).toBe('two')
  })
})
