import WebSocket from 'ws'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer, type ServerOptions} from '../../../src/webchat/index.js'

/** Mock profiles fast enough for tests: `default` and `step` stream with no delay, `trickle` yields between chunks, `paced` is slow. */
export const TEST_CONFIG_YAML = `
profiles:
  default:
    provider: {type: mock, delay_ms: 0}
  step:
    provider: {type: mock, delay_ms: 0}
    step_mode: true
  paced:
    provider: {type: mock, delay_ms: 15}
  trickle:
    provider: {type: mock, delay_ms: 1}
`

export async function startTestServer(options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({port: 0, logLevel: 'silent', config: parseConfigText(TEST_CONFIG_YAML, 'test.yaml'), ...options})
}

export interface SemEventJson {
  type: string
  id: string
  seq: number
  inference_id?: string
  [key: string]: unknown
}

/** A WebSocket client that keeps every frame it gets, split into conversation frames and control frames (`ws.*`). */
export class TestClient {
  readonly sem: SemEventJson[] = []
  readonly raw: string[] = []
  readonly control: {type: string; [key: string]: unknown}[] = []
  closeCode: number | undefined
  private waiters: (() => void)[] = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString()
      this.raw.push(text)
      const parsed = JSON.parse(text) as {sem?: boolean; event?: SemEventJson; type?: string}
      // Control frames (ws.*) are SEM envelopes too; they carry no seq.
      if (parsed.sem && !parsed.event!.type.startsWith('ws.')) this.sem.push(parsed.event!)
      else this.control.push(parsed.sem ? parsed.event! : (parsed as {type: string}))
      this.notify()
    })
    ws.on('close', (code) => {
      this.closeCode = code
      this.notify()
    })
    ws.on('error', () => this.notify())
  }

  static async connect(
    server: RunningServer,
    query: Record<string, string>,
    options: WebSocket.ClientOptions & {protocols?: string[]} = {},
  ): Promise<TestClient> {
    const url = `${server.url.replace('http', 'ws')}ws?${new URLSearchParams(query)}`
    const ws = new WebSocket(url, options.protocols ?? [], options)
    const client = new TestClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      // The refusal's code is in its JSON body, as for any route: the error says `403 origin_not_allowed`.
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => reject(new Error(`upgrade refused: ${res.statusCode} ${(JSON.parse(body) as {code?: string}).code}`)))
      })
    })
    return client
  }

  get lastSeq(): number {
    return this.sem.at(-1)?.seq ?? 0
  }

  /** Resolves when pred holds (checked after every message), rejects after timeoutMs. */
  async waitFor(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (pred()) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; got ${this.sem.map((e) => e.type).join(',')}`)),
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

  waitForType(type: string, count = 1): Promise<void> {
    return this.waitFor(() => this.sem.filter((e) => e.type === type).length >= count, `${count} × ${type}`)
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    const closed = new Promise((r) => this.ws.once('close', r))
    this.ws.close()
    await closed
  }

  private notify(): void {
    const waiting = this.waiters
    this.waiters = []
    for (const w of waiting) w()
  }
}

export async function postJson(
  server: RunningServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{status: number; body: Record<string, unknown>; headers: Headers}> {
  const res = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json', ...headers},
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return {status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers}
}

export async function getJson(
  server: RunningServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{status: number; body: any}> {
  const res = await fetch(new URL(path, server.url), {headers})
  return {status: res.status, body: await res.json()}
}

/** Polls until the conversation has no run in progress (or is gone: evicted after its run). */
export async function waitIdle(server: RunningServer, convId: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const conv = server.manager.get(convId)
    if (!conv) return
    if (!conv.running()) {
      await conv.sink.flush()
      return
    }
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`conversation ${convId} still running after ${timeoutMs} ms`)
}

/** A server on a free port with quiet logs and no preset config (reads configPath / cwd). */
export function startServerForTest(options: ServerOptions): Promise<RunningServer> {
  return startServer({port: 0, logLevel: 'silent', ...options})
}
