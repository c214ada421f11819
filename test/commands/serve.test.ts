import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {root} from './cli-process.js'

let dataHome: string
const children: ChildProcess[] = []
beforeAll(async () => {
  dataHome = await mkdtemp(join(tmpdir(), 'jiminy-serve-cmd-'))
})
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  await rm(dataHome, {recursive: true, force: true})
})

/** Starts `jiminy serve`; resolves with its first stdout line, then (after SIGTERM) its exit code and stderr. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'serve', ...args], {
    cwd: dataHome,
    env: {
      ...process.env,
      CI: '1',
      NO_COLOR: '1',
      XDG_DATA_HOME: dataHome,
      JIMINY_DATA_DIR: '',
      JIMINY_PORT: '',
      JIMINY_LOG_LEVEL: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({input: child.stdout}).once('line', resolve)
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${stderr}`)))
  })
  const stop = async () => {
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
    child.kill('SIGTERM')
    return {code: await exit, stderr, stdout}
  }
  return {firstLine, stop, stderrSoFar: () => stderr}
}

const freePort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const {port} = server.address() as {port: number}
  await new Promise<void>((ok) => server.close(() => ok()))
  return port
}

describe('jiminy serve output', () => {
  it('--json: the first stdout line is {url, bus, store, profiles}; logs are JSON lines on stderr after it', async () => {
    const s = serve(['--port', '0', '--json'])
    const first = JSON.parse(await s.firstLine) as Record<string, unknown>
    expect(Object.keys(first).sort()).toEqual(['bus', 'profiles', 'protocols', 'store', 'url'])
    expect((first.protocols as {name: string}[]).map((p) => p.name.split(' ')[0])).toEqual(['SEM', 'AI', 'sessionstream'])
    expect(first).toMatchObject({bus: 'memory', profiles: ['default', 'step']})
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    // the default store: SQLite in the data dir
    expect(first.store).toBe(join(dataHome, 'jiminy', 'conversations.db'))
    expect((await fetch(String(first.url))).status).toBe(200)
    const {code, stderr, stdout} = await s.stop()
    expect(code).toBe(0)
    expect(stdout.trimEnd().split('\n')).toHaveLength(1)
    const logs = stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as {msg: string; url?: string})
    expect(logs.find((l) => l.msg === 'listening')).toMatchObject({url: first.url})
  })

  it('without --json the URL is the first stdout line; JIMINY_PORT and JIMINY_LOG_LEVEL are read', async () => {
    const port = await freePort()
    const s = serve([], {JIMINY_PORT: String(port), JIMINY_LOG_LEVEL: 'warn'})
    expect(await s.firstLine).toBe(`http://127.0.0.1:${port}/`)
    const {code, stderr} = await s.stop()
    expect(code).toBe(0)
    // info lines ("listening", "shutting down") are below warn
    expect(stderr).not.toContain('listening')
  })

  it('a flag wins over its variable; --store memory keeps nothing on disk', async () => {
    const s = serve(['--port', '0', '--json', '--store', 'memory'], {JIMINY_PORT: '1'})
    expect(JSON.parse(await s.firstLine)).toMatchObject({url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/), store: 'memory'})
    expect((await s.stop()).code).toBe(0)
  })
})

// pino-pretty on a terminal: the same server under `script` (a pty) logs readable lines, not JSON.
const hasScript = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0
describe.runIf(hasScript)('jiminy serve on a terminal', () => {
  it('prints the URL first, then pretty log lines', async () => {
    const command = `${process.execPath} ${join(root, 'bin/run.js')} serve --port 0`
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: dataHome,
      env: {...process.env, NO_COLOR: '1', XDG_DATA_HOME: dataHome, JIMINY_DATA_DIR: '', JIMINY_PORT: '', JIMINY_LOG_LEVEL: ''},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    children.push(child)
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    while (!out.includes('listening')) await new Promise((r) => setTimeout(r, 20))
    child.stdin.write('\u0003')
    await new Promise((r) => child.once('exit', r))
    const lines = out.replaceAll('\r', '').split('\n')
    expect(lines[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const listening = lines.find((l) => l.includes('listening'))!
    expect(listening).toMatch(/INFO.*listening/)
    expect(() => JSON.parse(listening) as unknown).toThrow()
  })
})
