import {readFileSync} from 'node:fs'
import {request} from 'node:http'
import {Validator} from '@seriousme/openapi-schema-validator'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ERROR_STATUS} from '../../../src/webchat/http/error-codes.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson, startTestServer, TestClient} from './harness.js'

let server: RunningServer
let secured: RunningServer
beforeAll(async () => {
  ;[server, secured] = await Promise.all([startTestServer(), startTestServer({token: 'tok-contract'})])
})
afterAll(async () => {
  await Promise.all([server?.close(), secured?.close()])
})

/** Every error body: `{error: string, code}` where code is a known one and its status matches the table. */
function expectErrorBody(status: number, body: Record<string, unknown>, code: keyof typeof ERROR_STATUS): void {
  expect(body).toMatchObject({error: expect.any(String), code})
  expect(status).toBe(ERROR_STATUS[code])
}

/** A GET through node:http (fetch drops a Host header): status and JSON body. */
function rawGet(
  target: RunningServer,
  path: string,
  headers: Record<string, string>,
): Promise<{status: number; body: Record<string, unknown>}> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port: target.port, path, headers}, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>}))
    })
    req.on('error', reject)
    req.end()
  })
}

/** A raw upgrade request: the status and JSON body of a refusal. */
function upgrade(
  target: RunningServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{status: number; body: Record<string, unknown>}> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: target.port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    })
    req.on('upgrade', (res, socket) => {
      socket.destroy()
      resolve({status: res.statusCode ?? 0, body: {}})
    })
    req.on('response', (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>}))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('one error contract', () => {
  it.each([
    ['POST', '/chat', '{"prompt": ', 'bad_json'],
    ['POST', '/chat', {prompt: ''}, 'invalid_request'],
    ['POST', '/chat', {prompt: 'hi', overrides: {tools: ['no-such-tool']}}, 'invalid_request'],
    ['POST', '/chat/nope', {prompt: 'hi'}, 'unknown_profile'],
    ['POST', '/api/chat/profile', {slug: 7}, 'invalid_request'],
    ['POST', '/api/chat/profile', {slug: 'nope'}, 'unknown_profile'],
    ['POST', '/api/conversations/nobody/cancel', {}, 'unknown_conversation'],
    ['POST', '/api/conversations/nobody/fixture', {}, 'unknown_conversation'],
    ['POST', '/api/nothing-here', {}, 'not_found'],
    ['GET', '/api/conversations/nobody', undefined, 'unknown_conversation'],
    ['GET', '/no-such-file.js', undefined, 'not_found'],
    ['GET', '/chat', undefined, 'method_not_allowed'],
    ['GET', '/%E0%A4%A', undefined, 'bad_url'],
  ] as const)('%s %s %j → %s', async (method, path, body, code) => {
    const res =
      method === 'POST'
        ? await postJson(server, path, body)
        : // node:http: the in-process msw interceptor (the recording stack) refuses a malformed URL before it is sent.
          await rawGet(server, path, {})
    expectErrorBody(res.status, res.body, code)
  })

  it('a bad body field is RequestValidationError everywhere: 422 invalid_request naming the field', async () => {
    const profile = await postJson(server, '/api/chat/profile', {slug: ''})
    expectErrorBody(profile.status, profile.body, 'invalid_request')
    expect(profile.body.field).toBe('slug')
    const overrides = await postJson(server, '/chat', {prompt: 'hi', overrides: {tools: ['no-such-tool']}})
    expect(overrides.body.field).toBe('overrides.tools.0')
  })

  it('guard refusals carry their code on HTTP and on the WebSocket upgrade alike', async () => {
    const foreign = await postJson(server, '/chat', {prompt: 'hi'}, {origin: 'https://evil.example'})
    expectErrorBody(foreign.status, foreign.body, 'origin_not_allowed')
    const wsForeign = await upgrade(server, '/ws?conv_id=x', {origin: 'https://evil.example'})
    expectErrorBody(wsForeign.status, wsForeign.body, 'origin_not_allowed')

    const rebound = await rawGet(server, '/api/conversations', {host: `evil.example:${server.port}`})
    expectErrorBody(rebound.status, rebound.body, 'host_not_allowed')
    const wsRebound = await upgrade(server, '/ws?conv_id=x', {host: `evil.example:${server.port}`})
    expectErrorBody(wsRebound.status, wsRebound.body, 'host_not_allowed')

    const noToken = await getJson(secured, '/api/conversations')
    expectErrorBody(noToken.status, noToken.body, 'unauthorized')
    const wsNoToken = await upgrade(secured, '/ws?conv_id=x')
    expectErrorBody(wsNoToken.status, wsNoToken.body, 'unauthorized')

    const elsewhere = await upgrade(server, '/not-ws')
    expectErrorBody(elsewhere.status, elsewhere.body, 'not_found')
    expect((await upgrade(server, '/ws?conv_id=x')).status).toBe(101)
  })

  it('a join refused after the upgrade says why with the same code in ws.error', async () => {
    const client = await TestClient.connect(server, {conv_id: 'contract-1', profile: 'nope'})
    await client.waitFor(() => client.closeCode !== undefined, 'close')
    expect(client.control).toContainEqual(expect.objectContaining({type: 'ws.error', code: 'unknown_profile'}))
    expect(client.closeCode).toBe(1008)
  })
})

describe('profiles named like Object.prototype members are unknown names', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s: 404 unknown_profile everywhere, never 500', async (name) => {
    const path = await postJson(server, `/chat/${name}`, {prompt: 'hi'})
    expectErrorBody(path.status, path.body, 'unknown_profile')
    const cookie = await postJson(server, '/chat', {prompt: 'hi'}, {cookie: `chat_profile=${name}`})
    expectErrorBody(cookie.status, cookie.body, 'unknown_profile')
    const set = await postJson(server, '/api/chat/profile', {slug: name})
    expectErrorBody(set.status, set.body, 'unknown_profile')
    expect(set.headers.get('set-cookie')).toBeNull()
    const current = await getJson(server, '/api/chat/profile', {cookie: `chat_profile=${name}`})
    expect(current).toEqual({status: 200, body: {slug: 'default'}})

    const client = await TestClient.connect(server, {conv_id: `proto-${name.replace(/_/g, 'u')}`, profile: name})
    await client.waitFor(() => client.closeCode !== undefined, 'close')
    expect(client.control).toContainEqual(expect.objectContaining({type: 'ws.error', code: 'unknown_profile'}))
    // The server still serves.
    expect((await postJson(server, '/chat', {prompt: 'still here'})).status).toBe(200)
  })
})

describe('GET /healthz and GET /openapi.json', () => {
  it('/healthz answers {ok, version, bus, store}, without a token', async () => {
    const {version} = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string}
    for (const target of [server, secured]) {
      expect(await getJson(target, '/healthz')).toEqual({
        status: 200,
        body: {ok: true, version, bus: {kind: 'memory', ready: true}, store: {kind: 'memory'}},
      })
    }
  })

  it('/openapi.json is a valid OpenAPI 3.1 document with every route of DESIGN §3', async () => {
    const {status, body} = await getJson(server, '/openapi.json')
    expect(status).toBe(200)
    const validator = new Validator()
    const result = await validator.validate(body as Record<string, unknown>)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(
      [
        'GET /ws',
        'POST /chat',
        'POST /chat/{profile}',
        'POST /api/conversations/{id}/cancel',
        'POST /api/conversations/{id}/step',
        'POST /api/conversations/{id}/fixture',
        'GET /api/conversations',
        'GET /api/conversations/{id}',
        'GET /api/conversations/{id}/snapshot',
        'DELETE /api/conversations/{id}',
        'PATCH /api/conversations/{id}',
        'GET /api/chat/profiles',
        'GET /api/chat/profile',
        'POST /api/chat/profile',
        'POST /api/chat',
        'GET /api/chat/{id}/stream',
        'GET /api/chat/{id}/messages',
        'GET /healthz',
        'GET /openapi.json',
        'GET /',
      ].sort(),
    )
    // Request bodies come from the zod schemas the routes parse with.
    const chat = body.paths['/chat'].post.requestBody.content['application/json'].schema
    expect(chat).toMatchObject({type: 'object', required: ['prompt'], properties: {prompt: {type: 'string', minLength: 1}}})
    const step = body.paths['/api/conversations/{id}/step'].post.requestBody.content['application/json'].schema
    expect(step.properties.action).toEqual({type: 'string', enum: ['continue', 'skip', 'deny']})
    expect(Object.keys(body.components.schemas.Error.properties.code.enum as object)).toHaveLength(Object.keys(ERROR_STATUS).length)
  })
})
