import {mkdtempSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson, startTestServer, TestClient} from './harness.js'

let server: RunningServer
let webRoot: string

beforeAll(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'jiminy-web-'))
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>jiminy</title>')
  writeFileSync(join(webRoot, 'app.js'), 'console.log(1)')
  writeFileSync(join(webRoot, 'style.css'), 'body{}')
  server = await startTestServer({webRoot})
})
afterAll(async () => {
  await server.close()
})

describe('WebSocket protocol', () => {
  it('sends ws.hello first, with conv_id, profile, server_time and last_seq', async () => {
    const client = await TestClient.connect(server, {conv_id: 'hello-1', profile: 'step'})
    await client.waitFor(() => client.control.length > 0, 'hello')
    expect(client.control[0]).toMatchObject({type: 'ws.hello', conv_id: 'hello-1', profile: 'step', last_seq: 0})
    expect(JSON.parse(client.raw[0]!)).toMatchObject({sem: true, event: {type: 'ws.hello'}})
    const {id, server_time: serverTime} = client.control[0] as unknown as {id: string; server_time: number}
    expect(Number.isInteger(serverTime)).toBe(true)
    expect(id).toBe(`ws.hello:hello-1:${serverTime}`)
    await client.close()
  })

  it('answers text ping and {"type":"ws.ping"} with ws.pong, and bad messages with ws.error without closing', async () => {
    const client = await TestClient.connect(server, {conv_id: 'ping-1'})
    client.ws.send('ping')
    client.ws.send(JSON.stringify({type: 'ws.ping'}))
    await client.waitFor(() => client.control.filter((c) => c.type === 'ws.pong').length === 2, 'two pongs')
    // As pinocchio: any case, and SEM-wrapped.
    client.ws.send(' PING ')
    client.ws.send(JSON.stringify({type: 'WS.Ping'}))
    client.ws.send(JSON.stringify({sem: true, event: {type: 'ws.PING'}}))
    await client.waitFor(() => client.control.filter((c) => c.type === 'ws.pong').length === 5, 'five pongs')
    for (const pong of client.control.filter((c) => c.type === 'ws.pong')) {
      expect(pong).toMatchObject({conv_id: 'ping-1', id: `ws.pong:ping-1:${String(pong.server_time)}`})
      expect(typeof pong.server_time).toBe('number')
    }
    client.ws.send('{nope')
    client.ws.send(JSON.stringify({type: 'chat'}))
    await client.waitFor(() => client.control.filter((c) => c.type === 'ws.error').length === 2, 'two errors')
    expect(client.control.filter((c) => c.type === 'ws.error').map((c) => c.code)).toEqual(['bad_message', 'unknown_message'])
    client.ws.send('ping')
    await client.waitFor(() => client.control.filter((c) => c.type === 'ws.pong').length === 6, 'sixth pong')
    await client.close()
  })

  it('sends an error frame then closes when conv_id is missing, after_seq is bad or the profile is unknown', async () => {
    for (const [query, code] of [
      [{}, 'missing_conv_id'],
      [{conv_id: 'x', after_seq: '-1'}, 'bad_after_seq'],
      [{conv_id: 'bad id!'}, 'bad_conv_id'],
      [{conv_id: 'x2', profile: 'nope'}, 'unknown_profile'],
    ] as const) {
      const client = await TestClient.connect(server, query)
      await client.waitFor(() => client.closeCode !== undefined, `close for ${code}`)
      expect(client.control).toEqual([expect.objectContaining({type: 'ws.error', code})])
      expect(client.closeCode).toBe(1008)
    }
  })

  it('refuses a foreign Origin and accepts same-host and localhost origins on the served port', async () => {
    await expect(TestClient.connect(server, {conv_id: 'o1'}, {origin: 'http://evil.example'})).rejects.toThrow(/403 origin_not_allowed/)
    await expect(TestClient.connect(server, {conv_id: 'o1'}, {origin: `http://localhost:${server.port + 1}`})).rejects.toThrow(
      /403 origin_not_allowed/,
    )
    for (const origin of [`http://127.0.0.1:${server.port}`, `http://localhost:${server.port}`]) {
      const client = await TestClient.connect(server, {conv_id: 'o1'}, {origin})
      await client.close()
    }
    const post = await postJson(server, '/chat', {prompt: 'hi'}, {origin: 'http://evil.example'})
    expect(post.status).toBe(403)
    expect(post.body.code).toBe('origin_not_allowed')
  })

  it('answers 404 for an upgrade on another path', async () => {
    const url = server.url.replace('http', 'ws') + 'elsewhere?conv_id=x'
    const {default: WebSocket} = await import('ws')
    const ws = new WebSocket(url)
    const answer = await new Promise<{status: number; body: string}>((resolve) =>
      ws.once('unexpected-response', (_q, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body}))
      }),
    )
    expect(answer.status).toBe(404)
    expect(JSON.parse(answer.body)).toMatchObject({code: 'not_found'})
  })
})

describe('static page', () => {
  it('serves web/ at / with content types', async () => {
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/index.html', 'text/html'],
      ['/app.js', 'text/javascript'],
      ['/style.css', 'text/css'],
    ]) {
      const res = await fetch(new URL(path!, server.url))
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toContain(type)
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'.*frame-ancestors 'none'/)
    }
    const missing = await fetch(new URL('/missing.js', server.url))
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({code: 'not_found'})
  })

  it('refuses paths that leave the web root', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/%2e%2e%2f%2e%2e%2fetc/passwd', '/.hidden']) {
      const {status, code} = await new Promise<{status: number; code: unknown}>((resolve, reject) => {
        const req = request({host: '127.0.0.1', port: server.port, path, method: 'GET'}, (res) => {
          let body = ''
          res.on('data', (chunk: Buffer) => (body += chunk.toString()))
          res.on('end', () => resolve({status: res.statusCode ?? 0, code: (JSON.parse(body) as {code?: unknown}).code}))
        })
        req.on('error', reject)
        req.end()
      })
      expect([400, 404], path).toContain(status)
      expect(code, path).toBe(status === 400 ? 'bad_url' : 'not_found')
    }
  })

  it('lists profiles and sets the chat_profile cookie', async () => {
    const profiles = await getJson(server, '/api/chat/profiles')
    expect(profiles.body.map((p: {slug: string}) => p.slug)).toEqual(['default', 'paced', 'step', 'trickle'])
    expect(profiles.body.find((p: {slug: string}) => p.slug === 'default')).toMatchObject({
      default: true,
      default_prompt: expect.any(String),
    })
    const set = await postJson(server, '/api/chat/profile', {slug: 'step'})
    expect(set.headers.get('set-cookie')).toContain('chat_profile=step')
    expect((await getJson(server, '/api/chat/profile', {cookie: 'chat_profile=step'})).body).toEqual({slug: 'step'})
    expect(await postJson(server, '/api/chat/profile', {slug: 'nope'})).toMatchObject({status: 404, body: {code: 'unknown_profile'}})
  })
})

describe('--token', () => {
  let secured: RunningServer
  const token = 'test-token-123'
  beforeAll(async () => {
    secured = await startTestServer({token, webRoot})
  })
  afterAll(async () => {
    await secured.close()
  })

  it('requires the bearer token on the API', async () => {
    expect(await postJson(secured, '/chat', {prompt: 'hi'})).toMatchObject({status: 401, body: {code: 'unauthorized'}})
    expect(await getJson(secured, '/api/conversations')).toMatchObject({status: 401, body: {code: 'unauthorized'}})
    expect(await getJson(secured, '/api/conversations', {authorization: 'Bearer wrong'})).toMatchObject({
      status: 401,
      body: {code: 'unauthorized'},
    })
    expect((await getJson(secured, '/api/conversations', {authorization: `Bearer ${token}`})).status).toBe(200)
    expect((await fetch(secured.url)).status).toBe(200)
  })

  it('requires it on the WebSocket: header, ?token= or subprotocol', async () => {
    await expect(TestClient.connect(secured, {conv_id: 't1'})).rejects.toThrow(/401 unauthorized/)
    await expect(TestClient.connect(secured, {conv_id: 't1', token: 'wrong'})).rejects.toThrow(/401 unauthorized/)
    const viaHeader = await TestClient.connect(secured, {conv_id: 't1'}, {headers: {authorization: `Bearer ${token}`}})
    const viaQuery = await TestClient.connect(secured, {conv_id: 't1', token})
    const viaProtocol = await TestClient.connect(secured, {conv_id: 't1'}, {protocols: [`jiminy.bearer.${token}`]})
    expect(viaProtocol.ws.protocol).toBe(`jiminy.bearer.${token}`)
    for (const c of [viaHeader, viaQuery, viaProtocol]) await c.close()
  })

  it('opening /?token= sets an HttpOnly cookie that authenticates the page', async () => {
    const res = await fetch(new URL(`/?token=${token}`, secured.url), {redirect: 'manual'})
    expect(res.status).toBe(303)
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/jiminy_token=.*HttpOnly/)
    expect((await getJson(secured, '/api/conversations', {cookie: cookie.split(';')[0]!})).status).toBe(200)
  })
})
