import {createServer, type Server} from 'node:http'
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {createEngine, startCassetteRecorder, startCassetteReplay} from '../../src/providers/index.js'
import {CassetteEntrySchema} from '../../src/providers/cassette/index.js'
import {redactUrl} from '../../src/providers/cassette/redact-exchange.js'
import {identifyProviderRequest} from '../../src/providers/cassette/identify-provider-request.js'
import {calcTool, errorEvent, finalEvent, fixture, runPrompt, closeServer, listenLoopback} from './provider-harness.js'

const SECRET = 'sk-ant-api03-SECRETSECRETSECRET-0123456789'
let server: Server | undefined
afterEach(async () => {
  await closeServer(server)
  server = undefined
})

async function liveProvider(body: string): Promise<string> {
  server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, {'content-type': 'text/event-stream', 'set-cookie': 'session=abc'})
      // two writes, so the recording keeps two chunks
      const half = Math.floor(body.length / 2)
      res.write(body.slice(0, half))
      setTimeout(() => res.end(body.slice(half)), 5)
    })
  })
  return listenLoopback(server)
}

const engineAt = (baseUrl: string, model = 'claude-test') =>
  createEngine({type: 'anthropic', model, base_url: baseUrl}, {tools: [calcTool], env: {ANTHROPIC_API_KEY: SECRET}})

describe('provider cassettes', () => {
  it('records each exchange with secrets removed and the response bytes as received, then replays it offline', async () => {
    const transcript = fixture('anthropic', 'text')
    const baseUrl = await liveProvider(transcript)
    const dir = mkdtempSync(join(tmpdir(), 'jiminy-cassette-'))

    const recorder = await startCassetteRecorder(dir)
    const live = await runPrompt(engineAt(baseUrl))
    await recorder.stop()
    expect(live.outcome.status).toBe('completed')

    const files = readdirSync(dir)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^0001-anthropic-[0-9a-f]{12}\.json$/)
    const raw = readFileSync(join(dir, files[0]!), 'utf8')
    expect(raw).not.toContain(SECRET)
    expect(raw).not.toContain('session=abc')
    const entry = CassetteEntrySchema.parse(JSON.parse(raw))
    expect(entry).toMatchObject({provider: 'anthropic', model: 'claude-test', response: {status: 200, encoding: 'utf8'}})
    expect(entry.request.headers['x-api-key']).toBe('[redacted]')
    expect(entry.request.body).toMatchObject({model: 'claude-test', messages: [{role: 'user', content: [{type: 'text', text: 'hi'}]}]})
    expect(entry.response.body).toBe(transcript)
    expect(entry.response.chunk_sizes.length).toBeGreaterThanOrEqual(2)
    expect(entry.response.chunk_sizes.reduce((a, b) => a + b, 0)).toBe(Buffer.byteLength(transcript))

    // the live server is gone: replay must answer from the cassette
    server!.closeAllConnections()
    await new Promise<void>((resolve) => server!.close(() => resolve()))
    server = undefined
    const replay = await startCassetteReplay(dir)
    try {
      const offline = await runPrompt(engineAt(baseUrl))
      expect(offline.outcome.status).toBe('completed')
      expect(finalEvent(offline.events)!.text).toBe(finalEvent(live.events)!.text)
      expect(finalEvent(offline.events)!.meta.usage).toEqual(finalEvent(live.events)!.meta.usage)

      const miss = await runPrompt(engineAt(baseUrl, 'another-model'))
      expect(miss.outcome.status).toBe('failed')
      expect(errorEvent(miss.events)!.message).toMatch(
        /no recorded exchange in .* matches this anthropic request for model "another-model"/,
      )
    } finally {
      await replay.stop()
    }
  })

  it('rejects a malformed cassette file by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiminy-cassette-'))
    const {writeFileSync} = await import('node:fs')
    writeFileSync(join(dir, '0001-x.json'), '{"version": 1}')
    await expect(startCassetteReplay(dir)).rejects.toThrow(/0001-x\.json is malformed/)
  })

  it('redacts key= query parameters and names requests by provider, model and content', () => {
    expect(redactUrl('https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=sse&key=AIzaSECRET')).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=sse&key=%5Bredacted%5D',
    )
    const a = identifyProviderRequest('http://x/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: [{role: 'user', parts: [{text: 'hi'}]}],
    })
    const b = identifyProviderRequest('http://x/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: [{parts: [{text: 'hi'}], role: 'user'}],
    })
    const c = identifyProviderRequest('http://x/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: [{role: 'user', parts: [{text: 'ho'}]}],
    })
    expect(a).toMatchObject({provider: 'gemini', model: 'gemini-2.5-flash'})
    expect(a!.matchKey).toBe(b!.matchKey)
    expect(a!.matchKey).not.toBe(c!.matchKey)
    expect(identifyProviderRequest('http://x/v1/chat/completions', {model: 'gpt', messages: []})).toMatchObject({
      provider: 'openai-chat',
      model: 'gpt',
    })
    expect(identifyProviderRequest('http://x/api/other', {})).toBeUndefined()
  })
})
