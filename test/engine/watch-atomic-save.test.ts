import {execFileSync} from 'node:child_process'
import {appendFileSync, readFileSync, renameSync, writeFileSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {loadEngineBuilder, watchConfig, type ConfigWatcher, type EngineBuilder} from '../../src/engine/index.js'

/**
 * `serve --watch` after what save-then-format editors do: an in-place write, then within
 * milliseconds a rename over the file (`sed -i`). Real files, the shell's own tools. A watch on the
 * file itself (chokidar's) lost the file for good when the rename came within its 5 ms throttle
 * after the write's event: the first test saw every edit after that ignored.
 */
let dir: string
let configPath: string
let watcher: ConfigWatcher | undefined
let reloads: EngineBuilder[]
let errors: Error[]

const yaml = (prompt: string) => `profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    system_prompt: ${prompt}\n`
const promptOf = (builder: EngineBuilder) => builder.buildConfig('default').system_prompt

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-atomic-'))
  configPath = join(dir, 'jiminy.yaml')
  await writeFile(configPath, yaml('A0'))
  reloads = []
  errors = []
  const builder = await loadEngineBuilder({configPath, dataDir: false})
  watcher = watchConfig({
    builder,
    configPath,
    dataDir: false,
    debounceMs: 40,
    onReload: (next) => reloads.push(next),
    onError: (error) => errors.push(error),
  })
  await watcher.ready
})
afterEach(async () => {
  await watcher?.close()
  await rm(dir, {recursive: true, force: true})
})

async function until(what: string, done: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const sh = (script: string) => execFileSync('sh', ['-c', script], {cwd: dir})

describe('serve --watch stays awake', () => {
  it('after an append followed at once by sed -i (rename-replace), every later edit still reloads', async () => {
    sh(`echo '# x' >> jiminy.yaml; sed -i 's/A0/B1/' jiminy.yaml`)
    await until('the reload of B1', () => reloads.some((b) => promptOf(b) === 'B1'))
    for (const [i, next] of ['C2', 'D3', 'E4'].entries()) {
      const previous = ['B1', 'C2', 'D3'][i]!
      // Alternate in-place writes and rename-replaces, as an editor does over a session.
      sh(i % 2 === 0 ? `sed -i 's/${previous}/${next}/' jiminy.yaml` : `printf '${yaml(next).replaceAll('\n', '\\n')}' > jiminy.yaml`)
      await until(`the reload of ${next}`, () => reloads.at(-1) !== undefined && promptOf(reloads.at(-1)!) === next)
    }
    expect(errors).toEqual([])
  })

  it('an in-place write then a rename-replace 1 ms later, ten times over: every one reloads', async () => {
    for (let i = 1; i <= 10; i++) {
      const [from, to] = [i === 1 ? 'A0' : `R${i - 1}`, `R${i}`]
      appendFileSync(configPath, '# x\n')
      await new Promise((r) => setTimeout(r, 1))
      writeFileSync(`${configPath}.tmp`, readFileSync(configPath, 'utf8').replace(`system_prompt: ${from}\n`, `system_prompt: ${to}\n`))
      renameSync(`${configPath}.tmp`, configPath)
      await until(`the reload of ${to}`, () => reloads.at(-1) !== undefined && promptOf(reloads.at(-1)!) === to)
    }
    expect(errors).toEqual([])
  })

  it('after the file is deleted and written again (rm + write), it reloads', async () => {
    sh(`rm jiminy.yaml`)
    await until('the failed reload of a missing file', () => errors.length > 0)
    await writeFile(configPath, yaml('F5'))
    await until('the reload of F5', () => reloads.some((b) => promptOf(b) === 'F5'))
  })

  it('lists what it watches: the config file', () => {
    expect(watcher!.files()).toEqual([configPath])
  })
})
