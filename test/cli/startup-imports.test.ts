import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {root} from '../commands/cli-process.js'

// What a command loads at start-up (docs/performance.md, "Start-up"): counted, never timed. A
// module hook records every ESM module and the CommonJS cache is listed at exit; the built CLI runs.
let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jiminy-imports-'))
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import {writeSync} from 'node:fs'
export async function load(url, context, next) { writeSync(2, 'MODULE ' + url + '\\n'); return next(url, context) }`,
  )
  writeFileSync(
    join(dir, 'register.mjs'),
    `import {register, createRequire} from 'node:module'
import {writeSync} from 'node:fs'
register('./hooks.mjs', import.meta.url)
const require = createRequire(import.meta.url)
process.on('exit', () => { for (const k of Object.keys(require.cache)) writeSync(2, 'MODULE ' + k + '\\n') })`,
  )
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function loaded(args: string[]): Promise<string[]> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', join(dir, 'register.mjs'), join(root, 'bin/run.js'), ...args],
      {cwd: dir, env: {...process.env, NO_COLOR: '1', XDG_DATA_HOME: join(dir, 'data'), JIMINY_CONFIG: ''}, timeout: 30_000},
      (error, _stdout, stderr) => {
        if (error && error.code !== 1) return fail(new Error(`${args.join(' ')}: ${stderr}`))
        const paths = stderr
          .split('\n')
          .filter((l) => l.startsWith('MODULE '))
          .map((l) => l.slice(7))
          .map((p) => (p.startsWith('file:') ? fileURLToPath(p) : p))
          .filter((p) => p.startsWith(root))
          .map((p) => relative(root, p))
        done([...new Set(paths)])
      },
    )
  })
}

const ENGINE_CLASSES = /^dist\/providers\/(mock|openai-chat|openai-responses|anthropic|gemini)\/[a-z-]+-engine\.js$/
const under = (paths: string[], re: RegExp) => paths.filter((p) => re.test(p))

describe('start-up imports', () => {
  it('signature (no config file) loads config schemas and plugins, no engine, yaml, OpenTelemetry or Redis', async () => {
    const paths = await loaded(['signature'])
    expect(paths).toContain('dist/engine/engine-builder.js')
    expect(paths).toContain('dist/plugins/builtin/index.js')
    expect(under(paths, ENGINE_CLASSES)).toEqual([])
    expect(under(paths, /^dist\/providers\/(cassette|http)\//)).toEqual([])
    expect(under(paths, /^node_modules\/(yaml|@opentelemetry|ioredis)\//)).toEqual([])
    expect(under(paths, /^dist\/(fixtures|bus|sem|webchat|store)\//)).toEqual([])
  })

  it('replay (no --rerun) loads the replay modules only: no engine layer, providers, plugins or Redis', async () => {
    // jiminy's own fixtures (fixtures/foreign/ holds an AI SDK stream, whose check loads the `ai` package on purpose).
    const own = readdirSync(join(root, 'fixtures')).filter((f) => f.endsWith('.jsonl') && !f.endsWith('.sem.jsonl'))
    const paths = await loaded(['replay', ...own.map((f) => join(root, 'fixtures', f))])
    expect(paths).toContain('dist/fixtures/replay-fixture.js')
    expect(paths).toContain('dist/sem/stream-coordinator.js')
    expect(under(paths, /^dist\/(engine|providers|plugins|webchat|store)\//)).toEqual([])
    expect(under(paths, /^dist\/fixtures\/(rerun-(paths|recording)|record-run|cassette-fetch)\.js$/)).toEqual([])
    expect(under(paths, /^dist\/bus\/redis\//)).toEqual([])
    expect(under(paths, /^node_modules\/(yaml|@opentelemetry|ioredis)\//)).toEqual([])
  })

  it('signature with a profile of each provider still loads no engine class', async () => {
    const config = join(dir, 'jiminy.yaml')
    writeFileSync(config, 'profiles:\n  a:\n    provider: {type: anthropic, model: claude}\n  g:\n    provider: {type: gemini, model: g}\n')
    const paths = await loaded(['signature', '--config', config, '--profile', 'a'])
    expect(paths).toContain('node_modules/yaml/dist/index.js')
    expect(under(paths, ENGINE_CLASSES)).toEqual([])
  })

  it('run with the mock provider loads the mock engine and no other', async () => {
    const paths = await loaded(['run', 'hello', '--provider', 'mock'])
    expect(under(paths, ENGINE_CLASSES)).toEqual(['dist/providers/mock/mock-engine.js'])
  })
})
