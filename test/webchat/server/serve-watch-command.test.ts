import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, describe, expect, it} from 'vitest'

/** `jiminy serve` and the config file on disk, through the real binary and the shell's own file tools (issue 24, item 1). */
const BIN = resolve(import.meta.dirname, '../../../bin/run.js')
const children: ChildProcess[] = []
let lastLogs: LogLine[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

interface LogLine {
  msg: string
  files?: string[]
  file?: string
}

function serve(args: string[], cwd: string): {logs: LogLine[]; url: Promise<string>; stop: () => Promise<void>} {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--store', 'memory', ...args], {
    cwd,
    env: {...process.env, CI: '1', XDG_DATA_HOME: cwd, JIMINY_LOG_LEVEL: 'info'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const logs: LogLine[] = []
  lastLogs = logs
  createInterface({input: child.stderr!}).on('line', (line) => {
    if (line.startsWith('{')) logs.push(JSON.parse(line) as LogLine)
  })
  const url = new Promise<string>((ok) => createInterface({input: child.stdout!}).once('line', ok))
  const exited = new Promise((r) => child.once('exit', r))
  return {logs, url, stop: async () => void (child.kill('SIGTERM'), await exited)}
}

function project(prompt: string): {dir: string; config: string} {
  const dir = mkdtempSync(join(tmpdir(), 'jiminy-serve-watch-'))
  const config = join(dir, 'jiminy.yaml')
  writeFileSync(config, `profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    system_prompt: ${prompt}\n`)
  return {dir, config}
}

async function until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; logs: ${JSON.stringify(lastLogs)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const reloads = (logs: LogLine[]) => logs.filter((l) => l.msg.startsWith('config reloaded')).length

describe('serve --watch', () => {
  it('logs what it watches and stays awake after an append followed at once by sed -i', async () => {
    const {dir, config} = project('A0')
    const server = serve(['--watch'], dir)
    await server.url
    await until('the watched-files line', () => server.logs.some((l) => l.msg.startsWith('watching 1 file')))
    expect(server.logs.find((l) => l.msg.startsWith('watching'))!.files).toEqual([config])
    const sh = (script: string) => execFileSync('sh', ['-c', script], {cwd: dir})
    sh(`echo '# x' >> jiminy.yaml; sed -i 's/A0/B1/' jiminy.yaml`)
    await until('the first reload', () => reloads(server.logs) >= 1)
    const after = reloads(server.logs)
    sh(`sed -i 's/B1/C2/' jiminy.yaml`)
    await until('a reload after the rename-replace', () => reloads(server.logs) > after)
    const later = reloads(server.logs)
    sh(`echo '# y' >> jiminy.yaml`)
    await until('a reload after an in-place write', () => reloads(server.logs) > later)
    await server.stop()
  })
})

describe('serve without --watch', () => {
  it('says once that the config changed on disk and how to pick it up', async () => {
    const {dir} = project('A0')
    const server = serve([], dir)
    await server.url
    const sh = (script: string) => execFileSync('sh', ['-c', script], {cwd: dir})
    sh('touch jiminy.yaml')
    sh(`sed -i 's/A0/B1/' jiminy.yaml`)
    const hint = (l: LogLine) => l.msg === 'config changed on disk; restart or use --watch'
    await until('the hint', () => server.logs.some(hint))
    sh(`echo '# again' >> jiminy.yaml`)
    await new Promise((r) => setTimeout(r, 300))
    expect(server.logs.filter(hint)).toHaveLength(1)
    expect(server.logs.some((l) => l.msg.startsWith('config reloaded'))).toBe(false)
    await server.stop()
  })
})
