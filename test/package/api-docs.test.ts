import {execFile} from 'node:child_process'
import {mkdir, mkdtemp, readFile, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const DOCS = ['docs/api.md', 'docs/plugins.md']

interface Block {
  doc: string
  index: number
  file: string
  code: string
  /** Named with a `// file: x.ts` first line: a module other blocks import; not run by itself. */
  module: boolean
}

/** Every ```ts block of the docs, in order; `// file: NAME.ts` on the first line names it. */
async function docBlocks(): Promise<Block[]> {
  const blocks: Block[] = []
  for (const doc of DOCS) {
    const text = await readFile(join(root, doc), 'utf8')
    let index = 0
    for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
      index++
      const code = match[1]!
      const named = /^\/\/ file: ([\w.-]+\.ts)\n/.exec(code)
      const stem = doc.replace(/^docs\//, '').replace(/\.md$/, '')
      blocks.push({doc, index, code, file: named ? named[1]! : `${stem}-${index}.ts`, module: named !== null})
    }
  }
  return blocks
}

/** Loads the plugin of docs/plugins.md the way users do: a config file's `plugins:` path, through a server. */
const LOADER_CHECK = `import assert from 'node:assert/strict'
import {connectSem, startTestServer} from 'jiminy-harness/testing'

const server = await startTestServer({configPath: new URL('./jiminy.yaml', import.meta.url).pathname})
try {
  const sem = await connectSem(server.url, 'conv-loaded', {profile: 'mine'})
  const {lastSeq} = await server.runToEnd('what is 2+3? /tool', {convId: 'conv-loaded', profile: 'mine'})
  await sem.waitForSeq(lastSeq)
  assert.deepEqual(sem.events('tool.result')[0]?.result, {call: 1, value: {expression: '2+3', value: 5}})
  assert.ok(sem.events('log').some((e) => e.message === 'turn-stats'))
  const snapshot = server.server.manager.get('conv-loaded')?.snapshot()
  assert.equal(snapshot?.metadata['my-plugin.inferences'], 2)
  await sem.close()
} finally {
  await server.close()
}
`
const LOADER_CONFIG = `profiles:
  mine:
    provider: {type: mock, delay_ms: 0}
    middlewares: [{name: turn-stats}]
    tools: [calc, word_count]
    tool_executor: {name: counting}
    subscribers: [{name: tally}]
plugins: [./my-plugin.js]
`

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{code: number; output: string}> {
  return new Promise((done) => {
    execFile(command, args, {cwd, env: {...process.env, ...env}, timeout: 120_000}, (error, stdout, stderr) =>
      done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}`}),
    )
  })
}

let dir: string
let blocks: Block[]
let compiled: {code: number; output: string}

beforeAll(async () => {
  blocks = await docBlocks()
  dir = await mkdtemp(join(tmpdir(), 'jiminy-doc-blocks-'))
  // The package as an installed dependency (its exports and built types), plus @types/node.
  await mkdir(join(dir, 'node_modules'))
  await symlink(root, join(dir, 'node_modules/jiminy-harness'), 'dir')
  await writeFile(join(dir, 'package.json'), JSON.stringify({name: 'doc-blocks', private: true, type: 'module'}))
  await writeFile(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        typeRoots: [join(root, 'node_modules/@types')],
        types: ['node'],
        outDir: 'out',
        rootDir: '.',
      },
      include: ['*.ts'],
    }),
  )
  for (const block of blocks) await writeFile(join(dir, block.file), block.code)
  await writeFile(join(dir, 'loader-check.ts'), LOADER_CHECK)
  await mkdir(join(dir, 'out'), {recursive: true})
  await writeFile(join(dir, 'out', 'jiminy.yaml'), LOADER_CONFIG)
  compiled = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], dir)
}, 180_000)
afterAll(() => rm(dir, {recursive: true, force: true}))

describe('the ts blocks of docs/api.md and docs/plugins.md', () => {
  it('exist in both docs, including the plugin module', () => {
    expect(blocks.filter((b) => b.doc === 'docs/api.md').length).toBeGreaterThanOrEqual(5)
    expect(blocks.filter((b) => b.doc === 'docs/plugins.md').map((b) => b.file)).toContain('my-plugin.ts')
  })

  it("docs/plugins.md's event table lists every event type", async () => {
    const {EVENT_TYPES} = await import('../../src/core/index.js')
    const doc = await readFile(join(root, 'docs/plugins.md'), 'utf8')
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'))
    for (const type of EVENT_TYPES)
      expect(
        rows.some((r) => r.split('|')[1]!.includes(`\`${type}\``)),
        `docs/plugins.md has no row for ${type}`,
      ).toBe(true)
  })

  it('compile with tsc (strict) against the package types', () => {
    expect(compiled.output).toBe('')
    expect(compiled.code).toBe(0)
  })

  it('run, each as its own node process, and exit 0', async () => {
    for (const block of blocks.filter((b) => !b.module)) {
      const result = await run(process.execPath, [join(dir, 'out', block.file.replace(/\.ts$/, '.js'))], join(dir, 'out'), {
        XDG_DATA_HOME: dir,
        JIMINY_DATA_DIR: '',
        NO_COLOR: '1',
      })
      expect(result.code, `${block.doc} block ${block.index} (${block.file}) failed:\n${result.output}`).toBe(0)
    }
  }, 240_000)

  it("the plugin written from docs/plugins.md works when a config file's plugins: loads it into a server", async () => {
    const result = await run(process.execPath, [join(dir, 'out', 'loader-check.js')], join(dir, 'out'), {
      XDG_DATA_HOME: dir,
      JIMINY_DATA_DIR: '',
    })
    expect(result.code, result.output).toBe(0)
  }, 60_000)
})
