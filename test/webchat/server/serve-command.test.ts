import {spawn, type ChildProcess} from 'node:child_process'
import {connect} from 'node:net'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {createInterface} from 'node:readline'
import {afterAll, describe, expect, it} from 'vitest'
import WebSocket from 'ws'

const BIN = resolve(import.meta.dirname, '../../../bin/run.js')
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

function serve(
  args: string[],
  cwd: string,
): {child: ChildProcess; firstLine: Promise<string>; exit: Promise<number | null>; stderr: () => string} {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {cwd, env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
  children.push(child)
  let err = ''
  child.stderr!.on('data', (d) => (err += d))
  const firstLine = new Promise<string>((resolveLine, reject) => {
    createInterface({input: child.stdout!}).once('line', resolveLine)
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${err}`)))
  })
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return {child, firstLine, exit, stderr: () => err}
}

function tmpProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jiminy-serve-'))
  writeFileSync(join(dir, 'jiminy.yaml'), 'profiles:\n  paced:\n    provider: {type: mock, delay_ms: 20}\n')
  return dir
}

describe('jiminy serve (dist)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints the URL first, serves the page and API, and on ${signal} cancels runs, sends close frames and exits 0`, async () => {
      const {child, firstLine, exit} = serve(['--port', '0', '--log-level', 'silent'], tmpProject())
      const url = await firstLine
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      const page = await fetch(url)
      expect(page.headers.get('content-type')).toContain('text/html')
      const profiles = (await (await fetch(new URL('/api/chat/profiles', url))).json()) as {slug: string}[]
      expect(profiles.map((p) => p.slug)).toContain('paced')
      const ws = new WebSocket(`${url.replace('http', 'ws')}ws?conv_id=sig`)
      const frames: string[] = []
      ws.on('message', (d) => frames.push(d.toString()))
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)))
      await new Promise((r) => ws.once('open', r))
      await fetch(new URL('/chat/paced', url), {
        method: 'POST',
        body: JSON.stringify({prompt: 'talk slowly', conv_id: 'sig'}),
        headers: {'content-type': 'application/json'},
      })
      while (!frames.some((f) => f.includes('"llm.delta"'))) await new Promise((r) => setTimeout(r, 10))
      child.kill(signal)
      expect(await closed).toBe(1001)
      expect(await exit).toBe(0)
      expect(frames.some((f) => f.includes('"run.cancelled"'))).toBe(true)
    })
  }

  it('fails with a clear message for a missing config file', async () => {
    const {firstLine, exit, stderr} = serve(['--port', '0', '--config', 'missing.yaml'], tmpProject())
    await expect(firstLine).rejects.toThrow()
    expect(await exit).toBe(2)
    expect(stderr()).toMatch(/missing\.yaml.*not found|not found.*missing\.yaml/)
  })

  it('--max-connections-per-address caps one address: a second open connection gets 503 too_many_connections', async () => {
    const {child, firstLine, exit} = serve(['--port', '0', '--log-level', 'silent', '--max-connections-per-address', '1'], tmpProject())
    const url = new URL(await firstLine)
    const held = connect({host: url.hostname, port: Number(url.port)})
    await new Promise((r) => held.once('connect', r))
    const refused = await fetch(new URL('/healthz', url))
    expect(refused.status).toBe(503)
    expect(await refused.json()).toMatchObject({code: 'too_many_connections', per_address: true, limit: 1})
    held.destroy()
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
  })
})
