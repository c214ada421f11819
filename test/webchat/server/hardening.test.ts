import {request} from 'node:http'
import {afterEach, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {postJson, startTestServer, waitIdle} from './harness.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** A raw HTTP/1.1 request, so the test sees exactly what the server answers. */
function rawGet(
  url: string,
  path: string,
): Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(url), {path, method: 'GET'}, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('hardening of the HTTP surface', () => {
  it('scopes idempotency keys to their conversation', async () => {
    server = await startTestServer()
    const a = await postJson(server, '/chat', {conv_id: 'idem-a', prompt: 'one', idempotency_key: 'k1'})
    await waitIdle(server, 'idem-a')
    const again = await postJson(server, '/chat', {conv_id: 'idem-a', prompt: 'one', idempotency_key: 'k1'})
    expect(again.body).toMatchObject({inference_id: a.body.inference_id, idempotent_replay: true})
    const other = await postJson(server, '/chat', {conv_id: 'idem-b', prompt: 'two', idempotency_key: 'k1'})
    expect(other.body).toMatchObject({conv_id: 'idem-b'})
    expect(other.body.idempotent_replay).toBeUndefined()
    expect(other.body.inference_id).not.toBe(a.body.inference_id)
  })

  it('refuses JSON look-alike content types and marks JSON answers nosniff', async () => {
    server = await startTestServer()
    const seq = await postJson(server, '/chat', JSON.stringify({prompt: 'x'}), {'content-type': 'application/json-seq'})
    expect(seq.status).toBe(415)
    expect(seq.body.code).toBe('unsupported_media_type')
    const ok = await postJson(server, '/chat', {prompt: 'x'}, {'content-type': 'application/json; charset=utf-8'})
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('answers an over-long URL with 431 instead of resetting the connection', async () => {
    server = await startTestServer()
    const answer = await rawGet(server.url, `/api/conversations?x=${'a'.repeat(100_000)}`)
    expect(answer.status).toBe(431)
    expect(JSON.parse(answer.body)).toMatchObject({code: 'headers_too_large'})
  })

  it('never redirects a token login to another host', async () => {
    server = await startTestServer({token: 'RIGHT'})
    const answer = await rawGet(server.url, '/.//evil.example/?token=RIGHT')
    expect(answer.status).toBe(303)
    expect(answer.headers.location).toBe('/evil.example/')
  })
})

describe('binding beyond loopback', () => {
  it('warns when it listens on all interfaces without a token', async () => {
    const warnings: string[] = []
    const {createLogger} = await import('../../../src/webchat/logger.js')
    const logger = createLogger('warn')
    logger.warn = ((_fields: unknown, message?: string) => void warnings.push(String(message))) as typeof logger.warn
    server = await startTestServer({host: '0.0.0.0', logger})
    expect(warnings.join('\n')).toMatch(/without --token/)
    await server.close()
    warnings.length = 0
    server = await startTestServer({host: '0.0.0.0', logger, token: 'a-long-enough-token'})
    expect(warnings.join('\n')).not.toMatch(/without --token/)
  })
})
