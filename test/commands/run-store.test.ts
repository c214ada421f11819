import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {jiminy} from './cli-process.js'

/** `jiminy run --store FILE` keeps the run as a conversation; `serve` on a bad default file falls back to memory, loudly. */
let dir: string
const env = {JIMINY_SERVER: '', JIMINY_STORE: '', JIMINY_CONFIG: '', JIMINY_PROFILE: ''}
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-run-store-'))
})
afterAll(async () => {
  await rm(dir, {recursive: true, force: true})
})

describe('jiminy run --store', () => {
  it('keeps the run as a conversation that conversations list, show and export see', async () => {
    const file = join(dir, 'runs.db')
    const run = await jiminy(['run', '--store', file, '--json', 'what is 2+3? /tool'], {dataHome: dir, cwd: dir, env})
    expect(run.code, run.stderr).toBe(0)
    const {stored} = JSON.parse(run.stdout) as {stored: {conv_id: string; store: string}}
    expect(stored.store).toBe(file)
    const list = await jiminy(['conversations', 'list', '--store', file, '--json'], {dataHome: dir, cwd: dir, env})
    const rows = (JSON.parse(list.stdout) as {conversations: {conv_id: string; title: string; last_seq: number}[]}).conversations
    expect(rows).toMatchObject([{conv_id: stored.conv_id, title: 'what is 2+3? /tool'}])
    expect(rows[0]!.last_seq).toBeGreaterThan(5)
    const out = join(dir, 'run.jsonl')
    const exported = await jiminy(['conversations', 'export', stored.conv_id, '--store', file, '--out', out, '--json'], {
      dataHome: dir,
      cwd: dir,
      env,
    })
    expect(JSON.parse(exported.stdout)).toMatchObject({replay: {status: 'passed', violation_count: 0}})
    // Without --store nothing is kept.
    await jiminy(['run', 'hello'], {dataHome: dir, cwd: dir, env})
    const none = await jiminy(['conversations', 'list', '--json'], {dataHome: dir, cwd: dir, env})
    expect(JSON.parse(none.stdout)).toMatchObject({conversations: []})
  })

  it('a store file that is not SQLite: one error naming it, exit 2, with and without --json', async () => {
    const bad = join(dir, 'not-a-db.db')
    await writeFile(bad, 'hello, I am text\n'.repeat(10))
    const [plain, json] = await Promise.all([
      jiminy(['run', '--store', bad, 'hi'], {dataHome: dir, cwd: dir, env}),
      jiminy(['run', '--store', bad, '--json', 'hi'], {dataHome: dir, cwd: dir, env}),
    ])
    expect(plain.code).toBe(2)
    expect(plain.stderr).toMatch(/^jiminy: cannot open conversation store .*not-a-db\.db: the file is not a SQLite database/m)
    expect(json.code).toBe(2)
    expect((JSON.parse(json.stdout) as {error: {code: string; field: string}}).error).toMatchObject({code: 'bad_config', field: 'store'})
  })
})

describe('serve and its default store', () => {
  it('a bad default file (data dir) falls back to memory with a warning naming it', async () => {
    const home = join(dir, 'home')
    await mkdir(join(home, 'jiminy'), {recursive: true})
    await writeFile(join(home, 'jiminy', 'conversations.db'), 'garbage'.repeat(100))
    const {spawn} = await import('node:child_process')
    const {root} = await import('./cli-process.js')
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'serve', '--port', '0', '--json'], {
      cwd: dir,
      env: {...process.env, ...env, XDG_DATA_HOME: home, JIMINY_DATA_DIR: '', JIMINY_PORT: '', JIMINY_LOG_LEVEL: ''},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const first = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().split('\n')[0]!))
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)))
    })
    expect(JSON.parse(first)).toMatchObject({store: 'memory'})
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    const warning = stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as {level: number; code?: string; file?: string; msg: string})
      .find((l) => l.code === 'store_fallback_memory')
    expect(warning?.file).toBe(join(home, 'jiminy', 'conversations.db'))
    expect(warning?.msg).toMatch(/NOT outlive this process/)
  })
})
