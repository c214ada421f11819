import {execFile} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {fixture, type RealType} from './provider-harness.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const bin = join(root, 'bin', 'run.js')
const cwd = mkdtempSync(join(tmpdir(), 'jiminy-e2e-')) // no jiminy.yaml here: flags decide everything

let server: Server
let port = 0
let body = ''
const requests: {url: string; headers: Record<string, string | string[] | undefined>}[] = []

beforeAll(async () => {
  // bin/run.js runs the compiled commands from dist/, built by `npm test`'s pretest step. Building
  // here would rewrite dist/ under the feet of other test files that spawn the CLI at the same time.
  server = createServer((req, res) => {
    requests.push({url: req.url ?? '', headers: req.headers})
    req.resume()
    req.on('end', () => {
      res.writeHead(200, {'content-type': 'text/event-stream'})
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
}, 120_000)
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

interface CliResult {
  turn: {blocks: {kind: string; payload: Record<string, unknown>}[]}
  events: {type: string; message?: string; meta: {stop_reason?: string; usage?: Record<string, unknown>}}[]
}

function jiminyRun(type: string, transcript: string, extra: string[] = [], basePort = port): Promise<{result: CliResult; code: number}> {
  body = transcript
  const env = {...process.env, OPENAI_API_KEY: 'sk-e2e', ANTHROPIC_API_KEY: 'sk-e2e', GEMINI_API_KEY: 'sk-e2e', NO_COLOR: '1'}
  const args = [
    bin,
    'run',
    '--provider',
    type,
    '--base-url',
    `http://127.0.0.1:${basePort}`,
    '--model',
    'm',
    '--single-pass',
    '--json',
    ...extra,
    'hi',
  ]
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, {cwd, env, timeout: 30_000}, (error, stdout, stderr) => {
      try {
        resolve({result: JSON.parse(stdout) as CliResult, code: error ? Number(error.code ?? 1) : 0})
      } catch {
        reject(new Error(`jiminy run --provider ${type} printed no JSON (exit ${String(error?.code)}): ${stdout}\n${stderr}`))
      }
    })
  })
}

const CASES: {
  type: string
  wire: RealType
  tools: string
  thinking: string
  stop: string
  usageKey: string
  reasoning: string
  error: string
  text: string[]
}[] = [
  {
    type: 'openai-chat',
    text: ['Checking both. '],
    wire: 'openai-chat',
    tools: 'parallel-tool-calls',
    thinking: 'reasoning',
    stop: 'tool_calls',
    usageKey: 'completion_tokens',
    reasoning: 'The user greets me. Reply briefly.',
    error: 'The server had an error while processing your request',
  },
  {
    type: 'openai-compatible',
    text: ['Checking both. '],
    wire: 'openai-chat',
    tools: 'parallel-tool-calls',
    thinking: 'reasoning',
    stop: 'tool_calls',
    usageKey: 'completion_tokens',
    reasoning: 'The user greets me. Reply briefly.',
    error: 'The server had an error while processing your request',
  },
  {
    type: 'openai-responses',
    text: [],
    wire: 'openai-responses',
    tools: 'parallel-tool-calls',
    thinking: 'reasoning',
    stop: 'completed',
    usageKey: 'output_tokens',
    reasoning: '**Greeting**',
    error: 'You exceeded your current quota',
  },
  {
    type: 'anthropic',
    text: ['Checking both.'],
    wire: 'anthropic',
    tools: 'parallel-tool-calls',
    thinking: 'thinking',
    stop: 'tool_use',
    usageKey: 'output_tokens',
    reasoning: 'The user wants 2+3. Use the calc tool.',
    error: 'Overloaded',
  },
  {
    type: 'gemini',
    text: ['Checking both.'],
    wire: 'gemini',
    tools: 'parallel-tool-calls',
    thinking: 'reasoning',
    stop: 'STOP',
    usageKey: 'candidatesTokenCount',
    reasoning: '**Counting letters**',
    error: 'The model is overloaded',
  },
]

describe.each(CASES)('jiminy run --provider $type against a local server', (c) => {
  it('prints text and tool_call blocks, with the raw stop reason and usage on final', async () => {
    const {result, code} = await jiminyRun(c.type, fixture(c.wire, c.tools))
    expect(code).toBe(0)
    const blocks = result.turn.blocks
    expect(blocks.filter((b) => b.kind === 'llm_text').map((b) => b.payload.text)).toEqual(c.text)
    const calls = blocks.filter((b) => b.kind === 'tool_call').map((b) => b.payload)
    expect(calls.map((p) => [p.name, p.args])).toEqual([
      ['calc', {expression: '6*7'}],
      ['clock', {timezone: 'UTC'}],
    ])
    for (const call of calls) expect(typeof call.id).toBe('string')
    const final = result.events.find((e) => e.type === 'final')!
    expect(final.meta.stop_reason).toBe(c.stop)
    expect(final.meta.usage).toMatchObject({input_tokens: expect.any(Number), output_tokens: expect.any(Number)})
    expect(final.meta.usage!.raw).toHaveProperty(c.usageKey)
  })

  it('prints thinking in reasoning blocks', async () => {
    const {result, code} = await jiminyRun(c.type, fixture(c.wire, c.thinking))
    expect(code).toBe(0)
    const reasoning = result.turn.blocks.filter((b) => b.kind === 'reasoning').map((b) => String(b.payload.text))
    expect(reasoning[0]).toContain(c.reasoning)
  })

  it("prints an error event carrying the provider's message", async () => {
    const {result, code} = await jiminyRun(c.type, fixture(c.wire, 'mid-stream-error'))
    expect(code).not.toBe(0)
    const error = result.events.find((e) => e.type === 'error')
    expect(error?.message).toContain(c.error)
  })
})

describe('keys on the wire', () => {
  it('sends each key in its own header and never in the URL', () => {
    expect(requests.length).toBeGreaterThan(0)
    for (const r of requests) expect(r.url).not.toContain('sk-e2e')
    expect(requests.some((r) => r.headers['x-api-key'] === 'sk-e2e')).toBe(true)
    expect(requests.some((r) => r.headers['x-goog-api-key'] === 'sk-e2e')).toBe(true)
    expect(requests.some((r) => r.headers.authorization === 'Bearer sk-e2e')).toBe(true)
  })
})

describe('jiminy run provider cassettes', () => {
  it('--record-provider saves the exchange without the key; --mock-provider replays it with no server', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiminy-cli-cassette-'))
    const live = await jiminyRun('anthropic', fixture('anthropic', 'parallel-tool-calls'), ['--record-provider', dir])
    expect(live.code).toBe(0)
    const {readdirSync, readFileSync} = await import('node:fs')
    const files = readdirSync(dir)
    expect(files.length).toBe(1)
    expect(readFileSync(join(dir, files[0]!), 'utf8')).not.toContain('sk-e2e')
    // Port 9 (discard) has no server: only the cassette can answer.
    const replayed = await jiminyRun('anthropic', '', ['--mock-provider', dir], 9)
    expect(replayed.code).toBe(0)
    const calls = (r: CliResult) => r.turn.blocks.filter((b) => b.kind === 'tool_call').map((b) => [b.payload.name, b.payload.args])
    expect(calls(replayed.result)).toEqual(calls(live.result))
    expect(calls(replayed.result)).toHaveLength(2)
  })
})
