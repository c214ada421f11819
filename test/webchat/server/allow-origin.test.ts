import type {IncomingMessage} from 'node:http'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {allowedOriginSet, InvalidOriginError, isAllowedOrigin} from '../../../src/webchat/http/request-guard.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import {postJson, startTestServer, TEST_CONFIG_YAML, TestClient} from './harness.js'

const req = (headers: Record<string, string>) => ({headers}) as unknown as IncomingMessage

describe('allowedOriginSet / isAllowedOrigin', () => {
  it('normalizes origins as a browser sends them and refuses anything that is not scheme://host[:port]', () => {
    expect([...allowedOriginSet(['https://Chat.Example.com', 'http://app.test:80/', 'http://localhost:3000'])]).toEqual([
      'https://chat.example.com',
      'http://app.test',
      'http://localhost:3000',
    ])
    for (const bad of ['chat.example.com', 'https://chat.example.com/app', 'ftp://x', 'https://u@x', '*', 'https://x?y']) {
      expect(() => allowedOriginSet([bad]), bad).toThrow(InvalidOriginError)
    }
  })

  it('lets an allowed origin through whatever the Host, and still refuses every other foreign origin', () => {
    const allowed = allowedOriginSet(['https://chat.example.com', 'http://localhost:3000'])
    // Behind a proxy that rewrote Host to the upstream address.
    expect(isAllowedOrigin(req({origin: 'https://chat.example.com', host: '127.0.0.1:8787'}), 8787, allowed)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://localhost:3000', host: '127.0.0.1:8787'}), 8787, allowed)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://localhost:3000', host: '127.0.0.1:8787'}), 8787)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'http://chat.example.com', host: '127.0.0.1:8787'}), 8787, allowed)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'https://chat.example.com.evil.test', host: '127.0.0.1:8787'}), 8787, allowed)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'https://evil.test', host: '127.0.0.1:8787'}), 8787, allowed)).toBe(false)
  })
})

describe('serve with allowed origins (option and config)', () => {
  let server: RunningServer
  beforeAll(async () => {
    const config = parseConfigText(`${TEST_CONFIG_YAML}\nallow_origins: [https://from-config.example]\n`, 'test.yaml')
    // The proxy rewrites Host to its upstream's name, which the DNS-rebinding defence serves only when allowed.
    server = await startTestServer({config, allowOrigins: ['http://localhost:5173'], allowHosts: ['upstream.internal']})
  })
  afterAll(async () => {
    await server.close()
  })

  it('accepts the WebSocket upgrade and POSTs from an allowed origin behind a Host-rewriting proxy', async () => {
    for (const origin of ['http://localhost:5173', 'https://from-config.example']) {
      const client = await TestClient.connect(server, {conv_id: 'allowed'}, {origin, headers: {host: 'upstream.internal:9000'}})
      await client.waitFor(() => client.control.some((c) => c.type === 'ws.hello'), 'hello')
      await client.close()
      const post = await postJson(server, '/api/conversations/allowed/cancel', {}, {origin})
      expect(post.status, origin).toBe(200)
    }
  })

  it('still refuses any other origin, on the upgrade and on a POST', async () => {
    await expect(TestClient.connect(server, {conv_id: 'refused'}, {origin: 'http://localhost:5174'})).rejects.toThrow(
      /403 origin_not_allowed/,
    )
    await expect(TestClient.connect(server, {conv_id: 'refused'}, {origin: 'https://evil.example'})).rejects.toThrow(
      /403 origin_not_allowed/,
    )
    expect(await postJson(server, '/chat', {prompt: 'hi'}, {origin: 'https://evil.example'})).toMatchObject({
      status: 403,
      body: {code: 'origin_not_allowed'},
    })
  })

  it('refuses to start with an --allow-origin that is not an origin, naming it', async () => {
    await expect(startTestServer({allowOrigins: ['https://x.example/path']})).rejects.toThrow(
      /"https:\/\/x.example\/path" is not an origin/,
    )
  })

  it('rejects a bad allow_origins entry in the config with the field named', () => {
    expect(() => parseConfigText(`${TEST_CONFIG_YAML}\nallow_origins: [chat.example.com]\n`, 'bad.yaml')).toThrow(/allow_origins/)
  })
})
