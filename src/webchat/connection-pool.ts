import WebSocket from 'ws'
import {corkForTick} from './ws/tick-cork.js'

export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024

export type DropReason = 'send-failed' | 'buffer-full'

export interface ConnectionPoolOptions {
  /** A socket with more than this many bytes queued is too slow to keep: it is dropped. */
  readonly maxBufferedBytes?: number
  /** How long the pool must stay empty before `onIdle` fires. */
  readonly idleMs?: number
  readonly onIdle?: () => void
  readonly onDrop?: (reason: DropReason, error?: unknown) => void
}

/** One socket of the pool. */
interface Member {
  /** The bytes it had queued when it joined (a replay), which the cap allows on top. */
  readonly baseline: number
  /** Its send callback, made once: a closure per frame per socket was most of the pool's garbage. */
  readonly onSent: (error?: Error) => void
}

/** Frames are JSON text: a Buffer must still go out as a TEXT frame (ws sends Buffers as binary by default). */
const TEXT = {binary: false} as const

/**
 * The sockets watching one conversation. `broadcast` never waits for a socket: `ws.send` only
 * queues, and a socket whose queue passes the cap, or whose send fails, is dropped (terminated:
 * no close frame, it would only queue behind the backlog; the client sees 1006 and may reconnect
 * with `after_seq`) without touching the others. Each socket
 * is corked for the rest of the tick on its first frame (`corkForTick`), so a burst of frames is
 * one write.
 */
export class ConnectionPool {
  private readonly sockets = new Map<WebSocket, Member>()
  private idleTimer: NodeJS.Timeout | undefined
  private readonly maxBuffered: number

  constructor(private readonly options: ConnectionPoolOptions = {}) {
    this.maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES
    this.armIdleTimer()
  }

  get size(): number {
    return this.sockets.size
  }

  /** Adds a socket; bytes it already has queued (hello, replay) do not count towards the cap. */
  add(ws: WebSocket): void {
    if (ws.readyState !== WebSocket.OPEN) return
    this.sockets.set(ws, {
      baseline: ws.bufferedAmount,
      onSent: (error) => {
        if (error) this.drop(ws, 'send-failed', error)
      },
    })
    this.disarmIdleTimer()
    ws.once('close', () => this.remove(ws))
  }

  remove(ws: WebSocket): void {
    if (!this.sockets.delete(ws)) return
    if (this.sockets.size === 0) this.armIdleTimer()
  }

  has(ws: WebSocket): boolean {
    return this.sockets.has(ws)
  }

  /**
   * Sends one frame's text to every socket, in call order per socket. Several sockets share one
   * UTF-8 encoding of it (ws does not copy or mask a Buffer on the server side); one socket gets
   * the string, which the socket encodes while writing.
   */
  broadcast(json: string): void {
    if (this.sockets.size === 0) return
    const data = this.sockets.size > 1 ? Buffer.from(json) : json
    for (const [ws, member] of this.sockets) this.sendTo(ws, data, member)
  }

  private sendTo(ws: WebSocket, data: string | Buffer, member: Member): boolean {
    if (ws.readyState !== WebSocket.OPEN) {
      this.remove(ws)
      return false
    }
    if (ws.bufferedAmount > this.maxBuffered + member.baseline) {
      this.drop(ws, 'buffer-full')
      return false
    }
    try {
      corkForTick(ws)
      ws.send(data, TEXT, member.onSent)
      return true
    } catch (error) {
      this.drop(ws, 'send-failed', error)
      return false
    }
  }

  /** Restarts the idle countdown if the pool is empty (after a run ends, say). */
  armIdleTimer(): void {
    this.disarmIdleTimer()
    if (this.sockets.size > 0 || !this.options.onIdle || this.options.idleMs === undefined) return
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined
      if (this.sockets.size === 0) this.options.onIdle?.()
    }, this.options.idleMs)
    this.idleTimer.unref()
  }

  /** Closes every socket with a close frame; returns once all are closed (or terminated after graceMs). */
  async closeAll(code: number, reason: string, graceMs = 1000): Promise<void> {
    this.disarmIdleTimer()
    const closing = [...this.sockets.keys()].map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve()
          const timer = setTimeout(() => {
            ws.terminate()
            resolve()
          }, graceMs)
          ws.once('close', () => {
            clearTimeout(timer)
            resolve()
          })
          ws.close(code, reason)
        }),
    )
    this.sockets.clear()
    await Promise.all(closing)
  }

  dispose(): void {
    this.disarmIdleTimer()
  }

  private drop(ws: WebSocket, reason: DropReason, error?: unknown): void {
    // Each send still queued on a dropped socket fails in turn: the drop is reported once.
    if (!this.sockets.delete(ws)) return
    this.options.onDrop?.(reason, error)
    // terminate, not close: a slow socket would only queue the close frame behind its backlog.
    ws.terminate()
    if (this.sockets.size === 0) this.armIdleTimer()
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = undefined
  }
}
