import {Socket, type AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import WebSocket, {WebSocketServer} from 'ws'
import {ConnectionPool, type DropReason} from '../../src/webchat/connection-pool.js'
import {corkedCount} from '../../src/webchat/ws/tick-cork.js'

/** A real ws server and n clients; resolves with the server side of each connection, in connect order. */
async function connect(n: number): Promise<{server: WebSocketServer; serverSockets: WebSocket[]; clients: WebSocket[]}> {
  const server = new WebSocketServer({port: 0, host: '127.0.0.1'})
  await new Promise((r) => server.once('listening', r))
  const port = (server.address() as AddressInfo).port
  const serverSockets: WebSocket[] = []
  const clients: WebSocket[] = []
  for (let i = 0; i < n; i++) {
    const joined = new Promise<WebSocket>((r) => server.once('connection', r))
    const client = new WebSocket(`ws://127.0.0.1:${port}/`)
    await new Promise((r, j) => client.once('open', r).once('error', j))
    serverSockets.push(await joined)
    clients.push(client)
  }
  return {server, serverSockets, clients}
}

const rawOf = (ws: WebSocket) => (ws as unknown as {_socket: {writableCorked: number}})._socket

let open: WebSocketServer | undefined
afterEach(async () => {
  if (!open) return
  for (const ws of open.clients) ws.terminate()
  await new Promise((r) => open!.close(r))
  open = undefined
})

describe('ConnectionPool on real sockets (corked per tick)', () => {
  it('ws still keeps its net.Socket as `_socket`, the private field corkForTick reads (if this fails, corking silently stops)', async () => {
    const {server, serverSockets} = await connect(1)
    open = server
    expect(rawOf(serverSockets[0]!)).toBeInstanceOf(Socket)
  })

  it('holds a tick’s frames in the corked socket, then every client gets all of them, in order, as text frames', async () => {
    const {server, serverSockets, clients} = await connect(3)
    open = server
    const pool = new ConnectionPool()
    for (const ws of serverSockets) pool.add(ws)
    const got = clients.map(() => [] as {text: string; binary: boolean}[])
    const frames = Array.from({length: 200}, (_, i) => JSON.stringify({sem: true, event: {seq: i + 1, delta: `tok ${i} é ☃ 🎉`}}))
    const all = Promise.all(
      clients.map(
        (client, c) =>
          new Promise<void>((resolve) =>
            client.on('message', (data, isBinary) => {
              got[c]!.push({text: String(data), binary: isBinary})
              if (got[c]!.length === frames.length) resolve()
            }),
          ),
      ),
    )
    for (const f of frames) pool.broadcast(f)
    // Within the tick nothing has gone out: the sockets are corked, their bytes still count as queued.
    expect(serverSockets.map((ws) => rawOf(ws).writableCorked)).toEqual([1, 1, 1])
    expect(corkedCount()).toBe(3)
    expect(serverSockets.every((ws) => ws.bufferedAmount > 0)).toBe(true)
    await new Promise((r) => process.nextTick(r))
    expect(serverSockets.map((ws) => rawOf(ws).writableCorked)).toEqual([0, 0, 0])
    expect(corkedCount()).toBe(0)
    await all
    for (const g of got) {
      expect(g.map((m) => m.text)).toEqual(frames)
      expect(g.some((m) => m.binary)).toBe(false)
    }
    pool.dispose()
  })

  it('still drops a socket whose corked bytes pass the cap within one tick, and keeps the others', async () => {
    const {server, serverSockets} = await connect(2)
    open = server
    const drops: DropReason[] = []
    const pool = new ConnectionPool({maxBufferedBytes: 2000, onDrop: (r) => drops.push(r)})
    const [slow, ok] = serverSockets as [WebSocket, WebSocket]
    pool.add(slow)
    pool.add(ok)
    const frame = JSON.stringify({sem: true, event: {delta: 'y'.repeat(100)}})
    pool.broadcast(frame)
    // Sent to one socket outside the pool (a notice), into its corked buffer: it counts towards the cap.
    slow.send('z'.repeat(1900))
    for (let i = 0; i < 5; i++) pool.broadcast(frame)
    expect(ok.bufferedAmount).toBeGreaterThan(0)
    expect(drops).toEqual(['buffer-full'])
    expect(pool.has(slow)).toBe(false)
    expect(pool.has(ok)).toBe(true)
    pool.dispose()
  })
})
