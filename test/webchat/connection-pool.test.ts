import {describe, expect, it} from 'vitest'
import WebSocket from 'ws'
import {ConnectionPool, type DropReason} from '../../src/webchat/connection-pool.js'

/** Just enough of a ws socket for the pool: state, queue size, send, terminate, close events. */
class FakeSocket {
  readyState: number = WebSocket.OPEN
  bufferedAmount = 0
  sent: string[] = []
  /** Whether each send went out as a binary frame (frames must be TEXT). */
  binary: boolean[] = []
  failNext = false
  throwOnSend = false
  private closeListeners: (() => void)[] = []
  send(data: string | Buffer, options?: {binary?: boolean}, cb?: (error?: Error) => void): void {
    if (this.throwOnSend) throw new Error('socket exploded')
    this.sent.push(String(data))
    // ws's default: a Buffer is a binary frame unless the options say otherwise.
    this.binary.push(options?.binary ?? typeof data !== 'string')
    if (this.failNext) cb?.(new Error('write EPIPE'))
    else cb?.()
  }
  terminate(): void {
    this.readyState = WebSocket.CLOSED
    for (const l of this.closeListeners) l()
  }
  close(): void {
    this.terminate()
  }
  once(event: string, listener: () => void): void {
    if (event === 'close') this.closeListeners.push(listener)
  }
}
const asWs = (s: FakeSocket) => s as unknown as WebSocket

describe('ConnectionPool', () => {
  it('broadcasts to every socket and drops one whose send fails or throws, keeping the others', () => {
    const drops: DropReason[] = []
    const pool = new ConnectionPool({onDrop: (r) => drops.push(r)})
    const [a, b, c] = [new FakeSocket(), new FakeSocket(), new FakeSocket()]
    for (const s of [a, b, c]) pool.add(asWs(s))
    pool.broadcast('one')
    b.failNext = true
    c.throwOnSend = true
    pool.broadcast('two')
    pool.broadcast('three')
    expect(a.sent).toEqual(['one', 'two', 'three'])
    expect(a.binary).toEqual([false, false, false])
    expect(b.sent).toEqual(['one', 'two'])
    expect(c.sent).toEqual(['one'])
    expect(drops).toEqual(['send-failed', 'send-failed'])
    expect(pool.size).toBe(1)
    expect([b.readyState, c.readyState]).toEqual([WebSocket.CLOSED, WebSocket.CLOSED])
    pool.dispose()
  })

  it('drops a socket whose queued bytes pass the cap, counting only what it queued after joining', () => {
    const drops: DropReason[] = []
    const pool = new ConnectionPool({maxBufferedBytes: 100, onDrop: (r) => drops.push(r)})
    const slow = new FakeSocket()
    const replayed = new FakeSocket()
    replayed.bufferedAmount = 10_000 // a big replay sent before joining the pool
    pool.add(asWs(slow))
    pool.add(asWs(replayed))
    replayed.bufferedAmount = 10_050
    slow.bufferedAmount = 101
    pool.broadcast('x')
    expect(drops).toEqual(['buffer-full'])
    expect(pool.has(asWs(slow))).toBe(false)
    expect(replayed.sent).toEqual(['x'])
    pool.dispose()
  })

  it('reports a dropped socket once, however many of its queued sends fail afterwards', () => {
    const drops: DropReason[] = []
    const pool = new ConnectionPool({onDrop: (r) => drops.push(r)})
    const callbacks: ((error?: Error) => void)[] = []
    const stuck = new FakeSocket()
    // A real socket reports its queued writes failing only later, one callback each, while it is closing.
    stuck.send = (data: string | Buffer, _options?: {binary?: boolean}, cb?: (error?: Error) => void) => {
      stuck.sent.push(String(data))
      if (cb) callbacks.push(cb)
    }
    stuck.terminate = () => {
      stuck.readyState = WebSocket.CLOSING
    }
    pool.add(asWs(stuck))
    for (let i = 0; i < 50; i++) pool.broadcast(`f${i}`)
    for (const cb of callbacks) cb(new Error('write EPIPE'))
    expect(drops).toEqual(['send-failed'])
    pool.dispose()
  })

  it('fires onIdle once the last socket has been gone for idleMs, not while one is connected', async () => {
    let idle = 0
    const pool = new ConnectionPool({idleMs: 20, onIdle: () => idle++})
    const s = new FakeSocket()
    pool.add(asWs(s))
    await new Promise((r) => setTimeout(r, 60))
    expect(idle).toBe(0)
    s.terminate()
    expect(pool.size).toBe(0)
    await new Promise((r) => setTimeout(r, 80))
    expect(idle).toBe(1)
    pool.dispose()
  })
})
