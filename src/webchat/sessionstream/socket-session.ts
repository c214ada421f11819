import {randomUUID} from 'node:crypto'
import WebSocket from 'ws'
import {errorFrame, helloFrame, pongFrame, snapshotFrame, subscribedFrame, unsubscribedFrame} from '../../sem/sessionstream/index.js'
import {ClientFrameSchema, clientFrameCase, type SubscribeRequest} from '../../sem/sessionstream/wire/index.js'
import {CONV_ID_PATTERN} from '../http/chat-route.js'
import type {Logger} from '../logger.js'
import {rawText} from '../ws/ws-gateway.js'
import type {SessionStreamHub, StreamSubscriber} from './session-stream-hub.js'

/** Close code for a socket that reads slower than its sessions stream (as SEM's pool: try again later). */
const CLOSE_TOO_SLOW = 1013

export interface SocketSessionOptions {
  readonly hub: SessionStreamHub
  readonly logger: Logger
  /** Bytes a socket may have queued before it is dropped as too slow. */
  readonly maxBufferedBytes: number
}

/**
 * One `GET /api/chat/ws` socket (sessionstream's transport/ws server): `hello` on connect; then
 * per `subscribe` the session's `snapshot` at ordinal N, every uiEvent above N that arrived while
 * it was prepared, and `subscribed` — the snapshot and the drain of the buffer happen in one
 * synchronous step, so nothing is lost or repeated (pinocchio's SS-WS-RACE); `unsubscribe`;
 * `ping` → `pong` with its nonce. Bad frames get `error` (`bad_client_frame`, `protocol_error`)
 * and the socket stays open. Several sessions per socket.
 */
export function serveSessionStreamSocket(ws: WebSocket, options: SocketSessionOptions): void {
  const subscriptions = new Map<string, StreamSubscriber>()
  const send = (json: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > options.maxBufferedBytes) {
      ws.close(CLOSE_TOO_SLOW, 'reading too slowly; reconnect and subscribe again')
      return
    }
    ws.send(json)
  }
  const drop = (sessionId: string): void => {
    const existing = subscriptions.get(sessionId)
    if (!existing) return
    subscriptions.delete(sessionId)
    options.hub.unsubscribe(sessionId, existing)
  }

  const subscribe = async ({sessionId = '', sinceSnapshotOrdinal = '0'}: SubscribeRequest): Promise<void> => {
    if (sessionId === '') return send(errorFrame('protocol_error', 'subscribe missing session id'))
    if (!CONV_ID_PATTERN.test(sessionId))
      return send(errorFrame('protocol_error', 'session id must be 1-128 characters of [A-Za-z0-9_.:-]', sessionId))
    drop(sessionId)
    const subscriber: StreamSubscriber = {
      state: 'hydrating',
      buffer: [],
      send: (frames) => frames.forEach(send),
      overflow: () => {
        subscriptions.delete(sessionId)
        send(errorFrame('hydration_buffer_overflow', `hydration buffer full for session ${sessionId}`, sessionId))
      },
    }
    subscriptions.set(sessionId, subscriber)
    options.hub.subscribe(sessionId, subscriber)
    let stream
    try {
      stream = await options.hub.ready(sessionId)
    } catch (error) {
      if (subscriptions.get(sessionId) === subscriber) drop(sessionId)
      return send(errorFrame('protocol_error', `load snapshot for ${JSON.stringify(sessionId)}: ${(error as Error).message}`, sessionId))
    }
    // Replaced by a later subscribe, unsubscribed or overflowed meanwhile: that one answers.
    if (subscriptions.get(sessionId) !== subscriber) return
    const at = stream.timeline.ordinal
    send(snapshotFrame(sessionId, stream.timeline))
    for (const batch of subscriber.buffer) if (batch.ordinal > at) subscriber.send(batch.frames)
    subscriber.buffer = []
    subscriber.state = 'live'
    send(subscribedFrame(sessionId, BigInt(sinceSnapshotOrdinal)))
  }

  const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (isBinary) return send(errorFrame('bad_client_frame', 'binary frames are not supported; send protobuf JSON text'))
    let json: unknown
    try {
      json = JSON.parse(rawText(data))
    } catch (error) {
      return send(errorFrame('bad_client_frame', `not JSON: ${(error as Error).message}`))
    }
    const parsed = ClientFrameSchema.safeParse(json)
    if (!parsed.success) return send(errorFrame('bad_client_frame', describeBadFrame(json)))
    const frame = clientFrameCase(parsed.data)
    switch (frame.kind) {
      case 'ping':
        return send(pongFrame(frame.value.nonce ?? ''))
      case 'pong':
        return
      case 'subscribe':
        return void subscribe(frame.value).catch((error: unknown) => options.logger.error({err: error}, 'sessionstream subscribe failed'))
      case 'unsubscribe': {
        const sessionId = frame.value.sessionId ?? ''
        if (sessionId === '') return send(errorFrame('protocol_error', 'unsubscribe missing session id'))
        drop(sessionId)
        return send(unsubscribedFrame(sessionId))
      }
      default: {
        const _exhaustive: never = frame
        return _exhaustive
      }
    }
  }

  ws.on('message', onMessage)
  ws.on('close', () => [...subscriptions.keys()].forEach(drop))
  ws.on('error', (error) => options.logger.debug({err: error}, 'sessionstream websocket error'))
  send(helloFrame(`conn-${randomUUID()}`))
}

/** What was wrong with a client frame, in the words of the protojson it should have been. */
function describeBadFrame(json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'a ClientFrame is a JSON object'
  const keys = Object.keys(json)
  const cases = ['subscribe', 'unsubscribe', 'ping', 'pong']
  if (keys.length !== 1) return `a ClientFrame has exactly one of ${cases.join(', ')}; got ${keys.length === 0 ? 'none' : keys.join(', ')}`
  if (!cases.includes(keys[0]!)) return `unknown ClientFrame field ${JSON.stringify(keys[0])}; expected one of ${cases.join(', ')}`
  const parsed = ClientFrameSchema.safeParse(json)
  const issue = parsed.success ? undefined : (parsed.error.issues.find((i) => i.path.length > 1) ?? parsed.error.issues[0])
  return `bad ${keys[0]}: ${issue ? `${issue.path.slice(1).join('.') || keys[0]}: ${issue.message}` : 'invalid'}`
}
