import {request} from 'node:http'
import {connect, type Socket} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'
import {startTestServer} from './harness.js'

const LIMITS = {maxConnections: 60, maxConnectionsPerAddress: 45, headersTimeoutMs: 1500, requestTimeoutMs: 3000}

let server: RunningServer
const slow: Socket[] = []
beforeAll(async () => {
  server = await startTestServer({limits: LIMITS})
})
afterAll(async () => {
  for (const socket of slow) socket.destroy()
  await server?.close()
})

interface Answer {
  readonly status: number
  readonly body: Record<string, unknown>
}

/** GET /healthz from `localAddress` (127.0.0.0/8 is all loopback on Linux: each is another remote address to the server). */
function get(localAddress: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port: server.port, path: '/healthz', localAddress, agent: false}, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>}))
    })
    // ECONNRESET or any socket error fails the test: a flooded server must still answer.
    req.on('error', reject)
    req.end()
  })
}

/** A slowloris client: connected, half a request line and header sent, never finished. */
async function openSlow(localAddress: string, count: number): Promise<Socket[]> {
  const opened = await Promise.all(
    Array.from(
      {length: count},
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({host: '127.0.0.1', port: server.port, localAddress}, () => {
            socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ')
            resolve(socket)
          })
          socket.on('error', () => undefined)
          socket.once('error', reject)
        }),
    ),
  )
  slow.push(...opened)
  return opened
}

/** Whether a GET from `localAddress` is served (200) within `tries` attempts 50 ms apart; never a reset. */
async function servedWithin(localAddress: string, tries: number): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    const answer = await get(localAddress)
    if (answer.status === 200) return true
    expect(answer.body).toMatchObject({code: 'too_many_connections'})
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

/** What a slow socket got before it was closed. */
function closed(socket: Socket): Promise<string> {
  if (socket.destroyed) return Promise.resolve('')
  let text = ''
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
  return new Promise((resolve) => socket.once('close', () => resolve(text)))
}

describe('connection cap and slow clients (issue 23 item 7)', () => {
  it('a flood from one address is capped per address: that address gets 503 too_many_connections, another is served', async () => {
    const flood = await openSlow('127.0.0.2', LIMITS.maxConnectionsPerAddress)
    const same = await get('127.0.0.2')
    expect(same.status).toBe(503)
    expect(same.body).toMatchObject({code: 'too_many_connections', per_address: true, limit: LIMITS.maxConnectionsPerAddress})
    expect((await get('127.0.0.1')).status).toBe(200)

    // Past the total cap too (more addresses): a new client gets a 503 or is served, never a reset.
    const more = [...(await openSlow('127.0.0.3', 40)), ...(await openSlow('127.0.0.4', 40))]
    const answers = await Promise.all(Array.from({length: 10}, () => get('127.0.0.1')))
    for (const answer of answers) expect([200, 503]).toContain(answer.status)
    expect(answers.filter((a) => a.status === 503)[0]?.body).toMatchObject({code: 'too_many_connections', limit: LIMITS.maxConnections})

    // Slow clients are closed by the header timeout (408 request_timeout) or, over the cap, dropped: then everyone is served.
    const ends = await Promise.all([...flood, ...more].map(closed))
    expect(ends.filter((text) => text.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(0)
    for (const text of ends.filter((t) => t !== '')) expect(text).toMatch(/^HTTP\/1\.1 (408|503) /)
    // The server counts a connection out on its own close, a moment after the client sees it.
    expect(await servedWithin('127.0.0.2', 20)).toBe(true)
    expect((await get('127.0.0.1')).status).toBe(200)
  })

  it('keeps serving after many slow connections come and go', async () => {
    for (let round = 0; round < 3; round++) {
      const sockets = await openSlow(`127.0.0.${5 + round}`, 30)
      expect((await get('127.0.0.1')).status).toBe(200)
      for (const socket of sockets) socket.destroy()
    }
    expect((await get('127.0.0.1')).body).toMatchObject({ok: true})
  })
})

describe('the caps from the config file (limits: in jiminy.yaml)', () => {
  it('limits.max_connections_per_address applies; startServer({limits}) (the serve flags) wins over it', async () => {
    const yaml = 'limits: {max_connections_per_address: 1, headers_timeout_ms: 5000}\n'
    const fromFile = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(yaml, 'limits.yaml')})
    const flagWins = await startServer({
      port: 0,
      logLevel: 'silent',
      config: parseConfigText(yaml, 'limits.yaml'),
      limits: {maxConnectionsPerAddress: 5},
    })
    const held: Socket[] = []
    try {
      for (const target of [fromFile, flagWins]) {
        const socket = connect({host: '127.0.0.1', port: target.port})
        held.push(socket)
        await new Promise((resolve) => socket.once('connect', resolve))
      }
      const refused = await fetch(new URL('/healthz', fromFile.url))
      expect(refused.status).toBe(503)
      expect(await refused.json()).toMatchObject({code: 'too_many_connections', per_address: true, limit: 1})
      expect((await fetch(new URL('/healthz', flagWins.url))).status).toBe(200)
    } finally {
      for (const socket of held) socket.destroy()
      await Promise.all([fromFile.close(), flagWins.close()])
    }
  })

  it('refuses a bad value naming the field', () => {
    expect(() => parseConfigText('limits: {max_connections: 0}\n', 'bad.yaml')).toThrow(/limits\.max_connections/)
  })
})
