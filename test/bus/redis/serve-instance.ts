import {spawn, type ChildProcess} from 'node:child_process'
import {existsSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import WebSocket from 'ws'

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const BIN = join(REPO_ROOT, 'bin/run.js')

/** A `jiminy serve` child process (from dist/; `npm test` builds first). */
export interface ServeInstance {
  readonly url: string
  readonly process: ChildProcess
  stderr(): string
  stop(): Promise<void>
}

export async function spawnServe(args: string[]): Promise<ServeInstance> {
  if (!existsSync(join(REPO_ROOT, 'dist/commands/serve.js')))
    throw new Error('dist/ is missing: run `npm run build` (npm test does it first)')
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({input: child.stdout!})
    const timer = setTimeout(() => reject(new Error(`serve printed no URL within 20 s; stderr:\n${stderr}`)), 20_000)
    lines.once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited (${code}) before printing its URL; stderr:\n${stderr}`))
    })
  })
  process.once('exit', () => child.kill('SIGKILL'))
  return {
    url,
    process: child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Runs `jiminy serve` expecting it to fail; resolves with its exit code and output. */
export function serveFailure(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
}

export interface SemEvent {
  readonly type: string
  readonly id: string
  readonly seq: number
  readonly stream_id?: string
  readonly inference_id?: string
  readonly [key: string]: unknown
}

/** A WebSocket client keeping every SEM frame it receives. */
export class FrameClient {
  readonly frames: SemEvent[] = []
  readonly notices: Omit<SemEvent, 'seq'>[] = []
  readonly control: {type: string; [key: string]: unknown}[] = []
  private waiters: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = JSON.parse(data.toString()) as {sem?: boolean; event?: SemEvent; type?: string}
      // Control frames (ws.*) are SEM envelopes too. Another SEM frame without seq is outside the log
      // (a local notice, e.g. run.error when the bus is gone).
      if (parsed.sem && parsed.event?.type.startsWith('ws.')) this.control.push(parsed.event)
      else if (parsed.sem && parsed.event) (parsed.event.seq === undefined ? this.notices : this.frames).push(parsed.event)
      else this.control.push(parsed as {type: string})
      const waiting = this.waiters
      this.waiters = []
      for (const w of waiting) w()
    })
  }

  static async connect(baseUrl: string, convId: string, afterSeq?: number): Promise<FrameClient> {
    return FrameClient.connectWith(baseUrl, {conv_id: convId, ...(afterSeq !== undefined ? {after_seq: String(afterSeq)} : {})})
  }

  /** Joins with any query (`after_stream_id`…); waits for ws.hello, and ws.replay when a resume was asked. */
  static async connectWith(baseUrl: string, params: Record<string, string>): Promise<FrameClient> {
    const query = new URLSearchParams(params)
    const afterSeq = params.after_seq ?? params.after_stream_id
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}ws?${query}`)
    const client = new FrameClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    await client.waitFor(() => client.control.some((c) => c.type === 'ws.hello'), 'ws.hello')
    if (afterSeq !== undefined) await client.waitFor(() => client.control.some((c) => c.type === 'ws.replay'), 'ws.replay')
    return client
  }

  get lastSeq(): number {
    return this.frames.at(-1)?.seq ?? 0
  }

  async waitFor(pred: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (pred()) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ${this.frames.map((f) => `${f.seq}:${f.type}`).join(',')}`)),
        timeoutMs,
      )
      const check = () => {
        if (pred()) {
          clearTimeout(timer)
          resolve()
        } else this.waiters.push(check)
      }
      this.waiters.push(check)
    })
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    const closed = new Promise((r) => this.ws.once('close', r))
    this.ws.close()
    await closed
  }
}

export async function postJson(url: string, body: unknown): Promise<{status: number; body: Record<string, unknown>}> {
  const res = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
  return {status: res.status, body: (await res.json()) as Record<string, unknown>}
}
