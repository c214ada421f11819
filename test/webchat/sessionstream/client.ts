import WebSocket from 'ws'
import {ServerFrameSchema, serverFrameCase, type ServerFrameCase} from '../../../src/sem/sessionstream/wire/index.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import {parseProtoJson} from '../../sem/sessionstream/proto-descriptors.js'

/** What a pinocchio page shows of one session: messages by id (role, text, status), tool calls by id. */
export interface SessionView {
  messages: Record<string, {role: string; text: string; status: string}>
  tools: Record<string, {name: string; status: string; result?: string}>
}

/**
 * A sessionstream client for tests: every frame it gets is parsed by @bufbuild/protobuf against the
 * descriptors written from the .proto files (a frame that fails throws on the socket's message
 * handler and is kept in `invalid`), and reduced into a SessionView per session the way
 * pinocchio's timeline adapters do (snapshot entities, then uiEvents in order).
 */
export class SessionStreamClient {
  readonly frames: ServerFrameCase[] = []
  readonly raw: string[] = []
  readonly invalid: {text: string; error: string}[] = []
  readonly views = new Map<string, SessionView>()
  closeCode: number | undefined
  private waiters: (() => void)[] = []

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString()
      this.raw.push(text)
      try {
        parseProtoJson('sessionstream.v1.ServerFrame', text)
        const frame = serverFrameCase(ServerFrameSchema.parse(JSON.parse(text)))
        this.frames.push(frame)
        this.reduce(frame)
      } catch (error) {
        this.invalid.push({text, error: (error as Error).message})
      }
      this.notify()
    })
    ws.on('close', (code) => {
      this.closeCode = code
      this.notify()
    })
  }

  static async connect(server: RunningServer, headers: Record<string, string> = {}): Promise<SessionStreamClient> {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}api/chat/ws`, {headers})
    const client = new SessionStreamClient(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    })
    return client
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  subscribe(sessionId: string, since = '0'): void {
    this.send({subscribe: {sessionId, sinceSnapshotOrdinal: since}})
  }

  kinds(sessionId?: string): string[] {
    return this.frames
      .filter((f) => sessionId === undefined || ('sessionId' in f.value && f.value.sessionId === sessionId))
      .map((f) => (f.kind === 'uiEvent' ? `uiEvent:${f.value.name}` : f.kind))
  }

  uiEvents(sessionId: string): {name: string; ordinal: bigint; payload: Record<string, unknown>}[] {
    return this.frames.flatMap((f) =>
      f.kind === 'uiEvent' && f.value.sessionId === sessionId
        ? [{name: f.value.name ?? '', ordinal: BigInt(f.value.eventOrdinal ?? '0'), payload: f.value.payload as Record<string, unknown>}]
        : [],
    )
  }

  async waitFor(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (pred()) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.kinds().join(',')}`)), timeoutMs)
      const check = () => {
        if (pred()) {
          clearTimeout(timer)
          resolve()
        } else this.waiters.push(check)
      }
      this.waiters.push(check)
    })
  }

  waitForEvent(sessionId: string, name: string, count = 1): Promise<void> {
    return this.waitFor(() => this.uiEvents(sessionId).filter((e) => e.name === name).length >= count, `${count} × ${name}`)
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return
    const closed = new Promise((r) => this.ws.once('close', r))
    this.ws.close()
    await closed
  }

  private view(sessionId: string): SessionView {
    let view = this.views.get(sessionId)
    if (!view) this.views.set(sessionId, (view = {messages: {}, tools: {}}))
    return view
  }

  private reduce(frame: ServerFrameCase): void {
    if (frame.kind === 'snapshot') {
      const view: SessionView = {messages: {}, tools: {}}
      for (const e of frame.value.entities ?? []) {
        const p = e.payload as Record<string, string> | undefined
        if (!p) continue
        if (e.kind === 'ChatMessage') view.messages[e.id!] = {role: p.role ?? '', text: p.content ?? '', status: p.status ?? ''}
        if (e.kind === 'ChatToolCall') view.tools[e.id!] = {...view.tools[e.id!], name: p.toolName ?? '', status: p.status ?? ''}
        if (e.kind === 'ChatToolResult') view.tools[p.toolCallId!] = {...view.tools[p.toolCallId!]!, result: p.result ?? ''}
      }
      this.views.set(frame.value.sessionId!, view)
      return
    }
    if (frame.kind !== 'uiEvent') return
    const view = this.view(frame.value.sessionId!)
    const p = frame.value.payload as Record<string, string>
    const id = p.messageId ?? ''
    switch (frame.value.name) {
      case 'ChatUserMessageAccepted':
        view.messages[id] = {role: 'user', text: p.content ?? '', status: p.status ?? ''}
        break
      case 'ChatTextPatch': {
        const current = view.messages[id]?.text ?? ''
        const text = p.mode === 'CHAT_STREAM_PATCH_MODE_REPLACE' ? (p.text ?? '') : current + (p.text ?? '')
        view.messages[id] = {role: 'assistant', text, status: p.status ?? ''}
        break
      }
      case 'ChatTextSegmentFinished':
        view.messages[id] = {role: 'assistant', text: p.content ?? view.messages[id]?.text ?? '', status: p.status ?? ''}
        break
      case 'ChatRunFailed':
        view.messages[id] = {role: 'error', text: p.error ?? '', status: 'failed'}
        break
      case 'ChatToolCallStarted':
      case 'ChatToolExecutionStarted':
      case 'ChatToolCallFinished':
        view.tools[p.toolCallId!] = {
          ...view.tools[p.toolCallId!],
          name: p.toolName ?? view.tools[p.toolCallId!]?.name ?? '',
          status: p.status ?? '',
        }
        break
      case 'ChatToolResultReady':
        view.tools[p.toolCallId!] = {...view.tools[p.toolCallId!]!, result: p.result ?? ''}
        break
      default:
        break
    }
  }

  private notify(): void {
    const waiting = this.waiters
    this.waiters = []
    for (const w of waiting) w()
  }
}
