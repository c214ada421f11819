import type {ServerResponse} from 'node:http'
import {DEFAULT_MAX_BUFFERED_BYTES} from '../connection-pool.js'
import {UI_MESSAGE_STREAM_HEADERS, type UIMessageChunk} from './ui-message-chunk.js'

export interface SseWriterOptions {
  /** A comment line this often keeps proxies from closing a quiet stream (a long step pause). */
  readonly keepAliveMs?: number
  /** A client that lets more than this pile up unread is disconnected (it may resume). */
  readonly maxBufferedBytes?: number
}

export const DEFAULT_SSE_KEEP_ALIVE_MS = 15_000

/**
 * One UI Message Stream response: the headers, one `data: {json}` event per chunk, `data: [DONE]`
 * at the end. Writing to a closed or too slow connection is a no-op; a closed connection only ends
 * the response, never the run behind it.
 */
export class SseWriter {
  private ended = false
  /** The writer itself dropped the connection (a client too slow to read): not the client's choice. */
  private dropped = false
  private corked = false
  private keepAlive: NodeJS.Timeout | undefined
  private readonly closeListeners: (() => void)[] = []
  private readonly abandonListeners: (() => void)[] = []

  constructor(
    private readonly res: ServerResponse,
    private readonly options: SseWriterOptions = {},
  ) {
    res.on('close', () => {
      // The client closed the connection before the stream's end (the AI SDK's `stop()` aborts its fetch).
      if (!this.ended && !this.dropped) for (const listener of this.abandonListeners.splice(0)) listener()
      this.closed()
    })
  }

  /** True once the stream ended or the client went away. */
  get isEnded(): boolean {
    return this.ended || this.res.destroyed
  }

  open(): void {
    this.res.writeHead(200, {...UI_MESSAGE_STREAM_HEADERS})
    this.res.flushHeaders()
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), this.options.keepAliveMs ?? DEFAULT_SSE_KEEP_ALIVE_MS)
    this.keepAlive.unref()
  }

  send(chunk: UIMessageChunk): void {
    this.write(`data: ${JSON.stringify(chunk)}\n\n`)
  }

  /** Writes `data: [DONE]` and ends the response. Idempotent. */
  done(): void {
    if (this.isEnded) return
    this.write('data: [DONE]\n\n')
    this.ended = true
    this.res.end()
    this.closed()
  }

  /** Called once when the response ends or the client goes away. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener)
  }

  /** Called once when the client goes away before the stream ended (never after `done()`, never for a client dropped as too slow). */
  onAbandoned(listener: () => void): void {
    this.abandonListeners.push(listener)
  }

  private write(text: string): void {
    if (this.isEnded) return
    if (this.res.writableLength > (this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES)) {
      this.dropped = true
      this.res.destroy()
      return
    }
    // The chunks of one tick leave in one write (a run publishes several events per provider read).
    if (!this.corked) {
      this.corked = true
      this.res.cork()
      process.nextTick(this.uncork)
    }
    this.res.write(text)
  }

  private readonly uncork = (): void => {
    this.corked = false
    this.res.uncork()
  }

  private closed(): void {
    clearInterval(this.keepAlive)
    this.keepAlive = undefined
    const listeners = this.closeListeners.splice(0)
    for (const listener of listeners) listener()
  }
}
