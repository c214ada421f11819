import WebSocket from 'ws'

/** One SEM frame's `event`: `type`, `id`, and for conversation frames their cursor `seq`. */
export interface SemEvent {
  readonly type: string
  readonly id?: string
  readonly seq?: number
  readonly stream_id?: string
  readonly [field: string]: unknown
}

export interface ConnectSemOptions {
  /** Resume: the server replays every frame after this seq first (`GET /ws?after_seq=N`). */
  readonly afterSeq?: number
  /** Profile of the conversation when the socket creates it. */
  readonly profile?: string
  /** Bearer token of a server started with a token. */
  readonly token?: string
  /** Default timeout of `waitFor` (ms, default 10 000). */
  readonly timeoutMs?: number
}

type Match = string | ((event: SemEvent, all: readonly SemEvent[]) => boolean)

/**
 * A SEM WebSocket client for tests. It keeps every frame the server sends (control frames such as
 * `ws.hello` included), in arrival order, across reconnects; `reconnect()` resumes from the last
 * seq it saw, so no frame arrives twice.
 */
export class SemClient {
  /** Every frame's `event`, in arrival order, over every socket this client opened. */
  readonly frames: SemEvent[] = []
  /** Close code of the last socket, once it closed. */
  closeCode: number | undefined
  private socket: WebSocket | undefined
  private waiters = new Set<() => void>()

  constructor(
    readonly url: string,
    readonly convId: string,
    private readonly options: ConnectSemOptions = {},
  ) {}

  /** Highest conversation seq seen so far (0 before any). */
  get lastSeq(): number {
    let last = 0
    for (const e of this.frames) if (typeof e.seq === 'number' && e.seq > last) last = e.seq
    return last
  }

  /** Frames of one type (or all frames), in arrival order. */
  events(type?: string): SemEvent[] {
    return type === undefined ? this.frames.slice() : this.frames.filter((e) => e.type === type)
  }

  /** Opens the socket; with `afterSeq`, the server replays the frames after it first. */
  async open(afterSeq = this.options.afterSeq): Promise<this> {
    const query = new URLSearchParams({conv_id: this.convId})
    if (this.options.profile !== undefined) query.set('profile', this.options.profile)
    if (afterSeq !== undefined) query.set('after_seq', String(afterSeq))
    const base = new URL(this.url)
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:'
    const target = new URL(`ws?${query.toString()}`, base)
    const headers: Record<string, string> = {origin: new URL(this.url).origin}
    if (this.options.token !== undefined) headers.authorization = `Bearer ${this.options.token}`
    const ws = new WebSocket(target, {headers})
    this.socket = ws
    this.closeCode = undefined
    ws.on('message', (data: WebSocket.RawData) => {
      this.frames.push(eventOf(rawText(data)))
      this.notify()
    })
    ws.on('close', (code) => {
      this.closeCode = code
      this.notify()
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`WebSocket upgrade to ${target.href} refused: HTTP ${res.statusCode}`)),
      )
    })
    return this
  }

  /**
   * Resolves with the first frame (counting from `from`, default 0) that matches: a frame type, or
   * a predicate. Rejects after the timeout, listing the types received, or when the socket closes first.
   */
  waitFor(match: Match, options: {readonly timeoutMs?: number; readonly from?: number} = {}): Promise<SemEvent> {
    const test = typeof match === 'string' ? (e: SemEvent) => e.type === match : match
    const what = typeof match === 'string' ? match : 'a matching frame'
    const from = options.from ?? 0
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000
    return new Promise<SemEvent>((resolve, reject) => {
      const check = () => {
        const found = this.frames.slice(from).find((e) => test(e, this.frames))
        if (found) return done(() => resolve(found))
        if (this.closeCode !== undefined)
          return done(() => reject(new Error(`socket closed (${this.closeCode}) before ${what}; got ${this.typesSeen()}`)))
      }
      const timer = setTimeout(
        () => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${this.typesSeen()}`))),
        timeoutMs,
      )
      const done = (settle: () => void) => {
        clearTimeout(timer)
        this.waiters.delete(check)
        settle()
      }
      this.waiters.add(check)
      check()
    })
  }

  /** Resolves when `count` frames of `type` arrived; with the last of them. */
  async waitForType(type: string, count = 1, options: {readonly timeoutMs?: number} = {}): Promise<SemEvent> {
    await this.waitFor((_e, all) => all.filter((f) => f.type === type).length >= count, {...options})
    return this.events(type)[count - 1]!
  }

  /** Resolves when a frame with this seq (or a later one) arrived: with `TestServer.waitIdle`, the end of a run. */
  async waitForSeq(seq: number, options: {readonly timeoutMs?: number} = {}): Promise<void> {
    if (this.lastSeq >= seq) return
    await this.waitFor(() => this.lastSeq >= seq, options)
  }

  /** Closes the socket (if open) and opens a new one with `after_seq` = the last seq seen. */
  async reconnect(): Promise<this> {
    await this.close()
    return this.open(this.lastSeq)
  }

  /** Closes the socket and waits for the close handshake. Frames stay. */
  async close(): Promise<void> {
    const ws = this.socket
    if (!ws || ws.readyState === WebSocket.CLOSED) return
    const closed = new Promise((resolve) => ws.once('close', resolve))
    ws.close()
    await closed
  }

  private typesSeen(): string {
    return this.frames.map((e) => e.type).join(', ') || 'nothing'
  }

  private notify(): void {
    for (const check of [...this.waiters]) check()
  }
}

/** Connects a SemClient to `GET /ws?conv_id=…` of the server at `url` (its http:// address). */
export function connectSem(url: string, convId: string, options: ConnectSemOptions = {}): Promise<SemClient> {
  return new SemClient(url, convId, options).open()
}

function eventOf(text: string): SemEvent {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {type: 'unparsable', text}
  }
  const frame = parsed as {sem?: unknown; event?: unknown; type?: unknown}
  if (frame.sem === true && frame.event !== null && typeof frame.event === 'object') return frame.event as SemEvent
  if (typeof frame.type === 'string') return frame as SemEvent
  return {type: 'unparsable', text}
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}
