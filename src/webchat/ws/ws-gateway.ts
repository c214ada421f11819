import type {IncomingMessage} from 'node:http'
import type {Duplex} from 'node:stream'
import WebSocket, {WebSocketServer} from 'ws'
import {CONV_ID_PATTERN} from '../http/chat-route.js'
import type {ErrorCode} from '../http/error-codes.js'
import {internalError, toHttpError} from '../http/error-mapping.js'
import {HttpError} from '../http/http-error.js'
import {answerOnSocket} from '../http/raw-answer.js'
import {WS_TOKEN_PROTOCOL_PREFIX} from '../http/request-guard.js'
import {requestProfile} from '../http/request-profile.js'
import {buildControlFrame, type ControlFrameBody} from '../../sem/frames.js'
import type {ServerContext} from '../server-context.js'
import {waitForSeq} from '../multi-instance.js'
import type {Conversation} from '../conversation.js'
import {STREAM_ID} from '../../bus/index.js'
import {replayAfterStreamId} from '../stream-replay.js'
import {corkForTick} from './tick-cork.js'

export const WS_PATH = '/ws'
export const DEFAULT_WS_MAX_PAYLOAD = 64 * 1024
export const DEFAULT_HEARTBEAT_MS = 30_000
/** How long a join with `after_seq` waits for this instance's reader to reach that seq (multi-instance). */
export const CATCH_UP_MS = 2000

/** Close codes: 1008 policy (bad join), 1001 going away (shutdown). A socket dropped as slow is terminated (no close frame: see connection-pool.ts). */
export const CLOSE_POLICY = 1008
export const CLOSE_GOING_AWAY = 1001

export interface WsGatewayOptions {
  readonly maxPayload?: number
  readonly heartbeatMs?: number
}

/**
 * `GET /ws?conv_id=…&profile=…[&after_seq=N]`: the server's one guard (Host, Origin, token) at the upgrade, then joins
 * the socket to its conversation: `ws.hello`, the replay of every frame after N (announced by a
 * `ws.replay` frame that says when the log no longer holds some of them), then live frames. The
 * replay and the join to the pool happen in one synchronous step, so no frame falls in between.
 */
export class WsGateway {
  private readonly wss: WebSocketServer
  private readonly alive = new WeakSet<WebSocket>()
  private readonly heartbeat: NodeJS.Timeout

  constructor(
    private readonly app: ServerContext,
    options: WsGatewayOptions = {},
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload ?? DEFAULT_WS_MAX_PAYLOAD,
      // A browser that passes the token as a subprotocol must get that protocol echoed back.
      handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) ?? false,
    })
    this.heartbeat = setInterval(() => this.sweep(), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS)
    this.heartbeat.unref()
  }

  /** The http server's `upgrade` event. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost')
    // Every refusal goes out the one way (answerOnSocket), with the body and code an HTTP route would give.
    const refused = this.app.guard.check(req, url, 'upgrade')
    if (refused) return answerOnSocket(socket, refused)
    if (url.pathname !== WS_PATH)
      return answerOnSocket(socket, new HttpError('not_found', `no WebSocket endpoint at ${url.pathname}; use ${WS_PATH}`))
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.join(ws, req, url))
  }

  /** Closes every socket still open (those in pools are closed by the manager first). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat)
    for (const ws of this.wss.clients) ws.close(CLOSE_GOING_AWAY, 'server shutting down')
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
  }

  private async join(ws: WebSocket, req: IncomingMessage, url: URL): Promise<void> {
    const requested = url.searchParams.get('conv_id')
    // Control frame ids name the conversation; an invalid one is never echoed.
    const convId = requested !== null && CONV_ID_PATTERN.test(requested) ? requested : ''
    this.alive.add(ws)
    ws.on('pong', () => this.alive.add(ws))
    ws.on('message', (data, isBinary) => this.onMessage(ws, convId, data, isBinary))
    ws.on('error', (error) => this.app.logger.debug({err: error}, 'websocket error'))

    if (!requested) return fail(ws, convId, 'missing_conv_id', 'conv_id is required: /ws?conv_id=…')
    if (!convId) return fail(ws, convId, 'bad_conv_id', 'conv_id must be 1-128 characters of [A-Za-z0-9_.:-]')
    const afterRaw = url.searchParams.get('after_seq')
    if (afterRaw !== null && !/^\d{1,15}$/.test(afterRaw))
      return fail(ws, convId, 'bad_after_seq', `after_seq must be a non-negative integer, got ${JSON.stringify(afterRaw)}`)
    const afterStreamId = url.searchParams.get('after_stream_id')
    // One cursor per join: a pair could disagree (a seq from one entry, a stream id of another) and skip frames.
    if (afterStreamId !== null && afterRaw !== null)
      return fail(ws, convId, 'bad_resume', 'give after_seq or after_stream_id, not both: resume with the one cursor you keep')
    if (afterStreamId !== null) {
      if (afterStreamId !== '0' && !STREAM_ID.test(afterStreamId))
        return fail(
          ws,
          convId,
          'bad_after_stream_id',
          `after_stream_id must be a stream id like 1700000000000-0, got ${JSON.stringify(afterStreamId)}`,
        )
      if (!this.app.streamHistory)
        return fail(
          ws,
          convId,
          'stream_id_needs_redis',
          'after_stream_id needs the redis bus (serve --bus redis): with the in-memory bus frames have no stream_id; resume with after_seq=N',
        )
    }
    const profile = requestProfile(req, this.app, url.searchParams.get('profile'))

    let conversation
    try {
      conversation = await this.app.manager.join(convId, profile)
    } catch (error) {
      // The one mapping: the same code as a route would answer (unknown_profile, too_many_conversations…).
      let refusal = toHttpError(error)
      if (refusal === undefined) {
        this.app.logger.error({err: error, conv_id: convId}, 'websocket join failed')
        refusal = internalError('could not join the conversation; see the server log')
      }
      return fail(ws, convId, refusal.code, refusal.message)
    }
    if (afterStreamId !== null) return this.joinAfterStreamId(ws, conversation, afterStreamId)
    // Multi-instance: a cursor from another instance may be ahead of this instance's reader; let it catch up first.
    if (afterRaw !== null && this.app.manager.multiInstance) await waitForSeq(conversation.coordinator, Number(afterRaw), CATCH_UP_MS)
    if (ws.readyState !== WebSocket.OPEN) return

    // From here to pool.add nothing awaits: no frame can be published in between.
    const {coordinator, pool} = conversation
    // hello, the replay and this tick's live frames leave in one write.
    corkForTick(ws)
    send(ws, convId, {type: 'ws.hello', profile: conversation.profile, last_seq: coordinator.lastSeq})
    if (afterRaw !== null) {
      const afterSeq = Number(afterRaw)
      const slice = coordinator.log?.since(afterSeq) ?? {
        frames: [],
        truncated: afterSeq < coordinator.lastSeq,
        missing: Math.max(0, coordinator.lastSeq - afterSeq),
      }
      const first = slice.frames[0]?.seq ?? coordinator.lastSeq + 1
      const last = slice.frames.at(-1)?.seq ?? coordinator.lastSeq
      send(ws, convId, {
        type: 'ws.replay',
        after_seq: afterSeq,
        from_seq: first,
        to_seq: last,
        truncated: slice.truncated,
        ...(slice.truncated ? {missing: slice.missing} : {}),
        ...(afterSeq > coordinator.lastSeq ? {reset: true as const} : {}),
      })
      for (const frame of slice.frames) ws.send(frame.json)
    }
    pool.add(ws)
    this.app.logger.debug({conv_id: convId, after_seq: afterRaw, sockets: pool.size}, 'websocket joined')
  }

  /** `after_stream_id`: the frames after that entry, read from the stream itself, then live ones. */
  private async joinAfterStreamId(ws: WebSocket, conversation: Conversation, afterStreamId: string): Promise<void> {
    let replay
    try {
      replay = await replayAfterStreamId(this.app.streamHistory!, conversation.coordinator, afterStreamId, CATCH_UP_MS)
    } catch (error) {
      this.app.logger.error({err: error, conv_id: conversation.id}, 'replay by stream id failed')
      return fail(ws, conversation.id, 'replay_failed', 'could not read the stream; reconnect to try again')
    }
    if (ws.readyState !== WebSocket.OPEN) return void replay.take()
    // From here to pool.add nothing awaits: no frame can be published in between.
    const {coordinator, pool} = conversation
    const frames = replay.take()
    corkForTick(ws)
    send(ws, conversation.id, {type: 'ws.hello', profile: conversation.profile, last_seq: coordinator.lastSeq})
    send(ws, conversation.id, {
      type: 'ws.replay',
      after_seq: replay.afterSeq,
      from_seq: frames[0]?.seq ?? replay.afterSeq + 1,
      to_seq: frames.at(-1)?.seq ?? replay.afterSeq,
      truncated: replay.truncated,
    })
    for (const frame of frames) ws.send(frame.json)
    pool.add(ws)
    this.app.logger.debug({conv_id: conversation.id, after_stream_id: afterStreamId, sockets: pool.size}, 'websocket joined')
  }

  /** Pings as pinocchio accepts them: `ping`, `{"type":"ws.ping"}`, or SEM-wrapped; any case. */
  private onMessage(ws: WebSocket, convId: string, data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return send(ws, convId, {type: 'ws.error', code: 'bad_message', message: 'binary messages are not supported'})
    const text = rawText(data).trim()
    if (text.toLowerCase() === 'ping') return send(ws, convId, {type: 'ws.pong'})
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      return send(ws, convId, {
        type: 'ws.error',
        code: 'bad_message',
        message: 'expected "ping" or a JSON message like {"type":"ws.ping"}',
      })
    }
    const type = messageType(message)
    if (type?.toLowerCase() === 'ws.ping') return send(ws, convId, {type: 'ws.pong'})
    send(ws, convId, {
      type: 'ws.error',
      code: 'unknown_message',
      message: `unknown message type ${JSON.stringify(type ?? null)}; send chats with POST /chat`,
    })
  }

  private sweep(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate()
        continue
      }
      this.alive.delete(ws)
      ws.ping()
    }
  }
}

function send(ws: WebSocket, convId: string, body: ControlFrameBody): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(buildControlFrame(body, convId))
}

function fail(ws: WebSocket, convId: string, code: ErrorCode, message: string): void {
  send(ws, convId, {type: 'ws.error', code, message})
  ws.close(CLOSE_POLICY, code)
}

/** `type` of a client message, bare (`{"type"}`) or SEM-wrapped (`{"sem": true, "event": {"type"}}`). */
function messageType(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined
  const {type, sem, event} = message as {type?: unknown; sem?: unknown; event?: unknown}
  if (typeof type === 'string') return type
  if (sem === true && typeof event === 'object' && event !== null) {
    const inner = (event as {type?: unknown}).type
    if (typeof inner === 'string') return inner
  }
  return undefined
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data as ArrayBuffer).toString('utf8')
}
