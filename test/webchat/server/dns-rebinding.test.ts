import {request, type IncomingMessage} from 'node:http'
import WebSocket from 'ws'
import {afterEach, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {startTestServer} from './harness.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** An answer as `status` (success) or `status code` (an error body's code), e.g. `403 host_not_allowed`. */
function statusOf(res: IncomingMessage): Promise<string> {
  let body = ''
  res.on('data', (chunk: Buffer) => (body += chunk.toString()))
  return new Promise((resolve) =>
    res.on('end', () => {
      const status = res.statusCode ?? 0
      resolve(status >= 400 ? `${status} ${(JSON.parse(body) as {code?: string}).code}` : String(status))
    }),
  )
}

/** What a rebound page sends: its own name in Host, and the matching Origin. */
function send(method: string, path: string, host: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      {host: '127.0.0.1', port: server!.port, path, method, headers: {host, origin: `http://${host}`, 'content-type': 'application/json'}},
      (res) => resolve(statusOf(res)),
    )
    req.on('error', reject)
    req.end(body)
  })
}

function upgrade(host: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server!.port}/ws?conv_id=rebind`, {headers: {host, origin: `http://${host}`}})
    ws.once('open', () => {
      ws.close()
      resolve('101')
    })
    ws.once('unexpected-response', (_req, res) => resolve(statusOf(res)))
    ws.once('error', () => resolve('0'))
  })
}

describe('DNS-rebinding defence (Host allow-list)', () => {
  it('refuses every route and the WebSocket for a Host name that is not served', async () => {
    server = await startTestServer()
    const evil = `evil.example:${server.port}`
    expect(await send('GET', '/', evil)).toBe('403 host_not_allowed')
    expect(await send('GET', '/api/conversations', evil)).toBe('403 host_not_allowed')
    expect(await send('POST', '/chat', evil, JSON.stringify({prompt: 'hi'}))).toBe('403 host_not_allowed')
    expect(await upgrade(evil)).toBe('403 host_not_allowed')
    // What the page itself uses keeps working.
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`]) {
      expect(await send('GET', '/api/conversations', host)).toBe('200')
    }
    expect(await upgrade(`localhost:${server.port}`)).toBe('101')
  })

  it('serves names given with allowHosts (a proxy that rewrites Host), and any with all', async () => {
    server = await startTestServer({allowHosts: ['chat.internal']})
    expect(await send('GET', '/api/conversations', `chat.internal:${server.port}`)).toBe('200')
    expect(await send('GET', '/api/conversations', `other.internal:${server.port}`)).toBe('403 host_not_allowed')
    await server.close()
    server = await startTestServer({allowHosts: ['all']})
    expect(await send('GET', '/api/conversations', `anything.example:${server.port}`)).toBe('200')
  })
})
