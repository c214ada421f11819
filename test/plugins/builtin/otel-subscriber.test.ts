import {createServer, type Server} from 'node:http'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {registerSecret} from '../../../src/core/index.js'
import {loadEngineBuilder} from '../../../src/engine/index.js'
import {startServer} from '../../../src/webchat/index.js'
import {postJson, waitIdle} from '../../webchat/server/harness.js'

/** A local OTLP/HTTP receiver: keeps every JSON export request body POSTed to /v1/traces. */
interface Receiver {
  readonly url: string
  readonly bodies: string[]
  close(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const bodies: string[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.method === 'POST') bodies.push(Buffer.concat(chunks).toString('utf8'))
      res.writeHead(200, {'content-type': 'application/json'})
      res.end('{}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const {port} = server.address() as {port: number}
  return {url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise((r) => server.close(() => r()))}
}

interface OtlpSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  attributes: {key: string; value: Record<string, unknown>}[]
}
const attr = (span: OtlpSpan, key: string): unknown => {
  const v = span.attributes.find((a) => a.key === key)?.value
  if (!v) return undefined
  if ('intValue' in v) return Number(v.intValue)
  if ('arrayValue' in v) return (v.arrayValue as {values: {stringValue: string}[]}).values.map((x) => x.stringValue)
  return Object.values(v)[0]
}
const spansOf = (bodies: string[]): OtlpSpan[] =>
  bodies.flatMap((b) =>
    (JSON.parse(b) as {resourceSpans: {scopeSpans: {spans: OtlpSpan[]}[]}[]}).resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) => s.spans),
    ),
  )

const SECRET = 'sk-otel-test-secret-0123456789abcdef'
const PROMPT = `what is 2+3? ${SECRET} remember-this-prompt /tool`

async function runOnce(dir: string, receiver: Receiver, subscriber: string, env: Record<string, string> = {}): Promise<OtlpSpan[]> {
  const configPath = join(dir, `jiminy-${Math.random().toString(36).slice(2)}.yaml`)
  await writeFile(
    configPath,
    `profiles:
  default:
    provider: {type: mock, delay_ms: 0}
    tools: [calc]
    middlewares: [{name: tool-result-reorder}]
    subscribers: [${subscriber}]
`,
  )
  const builder = await loadEngineBuilder({configPath, dataDir: false, env: {...process.env, ...env}})
  const server = await startServer({port: 0, logLevel: 'silent', builder})
  const before = receiver.bodies.length
  try {
    const res = await postJson(server, '/chat', {prompt: PROMPT, conv_id: 'otel-conv'})
    expect(res.status).toBe(200)
    await waitIdle(server, 'otel-conv')
  } finally {
    // Closing the host shuts the tracer provider down, which flushes its batch.
    await server.close()
  }
  return spansOf(receiver.bodies.slice(before))
}

let receiver: Receiver
let dir: string

beforeAll(async () => {
  registerSecret(SECRET)
  receiver = await startReceiver()
  dir = await mkdtemp(join(tmpdir(), 'jiminy-otel-'))
})
afterAll(async () => {
  await receiver?.close()
  await rm(dir, {recursive: true, force: true})
})

describe('otel subscriber', () => {
  it('exports one run span with inference, tool and middleware children, GenAI attributes, and no content by default', async () => {
    const spans = await runOnce(dir, receiver, `{name: otel, config: {endpoint: "${'URL'}/v1/traces"}}`.replace('URL', receiver.url))
    const run = spans.filter((s) => s.name === 'invoke_agent jiminy')
    expect(run).toHaveLength(1)
    const root = run[0]!
    expect(root.parentSpanId ?? '').toBe('')
    expect(attr(root, 'gen_ai.operation.name')).toBe('invoke_agent')
    expect(attr(root, 'gen_ai.conversation.id')).toBe('otel-conv')
    expect(attr(root, 'jiminy.run.status')).toBe('completed')
    const children = spans.filter((s) => s.parentSpanId === root.spanId)
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]))

    const chats = children.filter((s) => s.name.startsWith('chat '))
    expect(chats).toHaveLength(2)
    for (const chat of chats) {
      expect(attr(chat, 'gen_ai.operation.name')).toBe('chat')
      expect(attr(chat, 'gen_ai.system')).toBe('jiminy.mock')
      expect(typeof attr(chat, 'gen_ai.request.model')).toBe('string')
      expect(attr(chat, 'gen_ai.usage.input_tokens')).toEqual(expect.any(Number))
      expect(attr(chat, 'gen_ai.usage.output_tokens')).toEqual(expect.any(Number))
    }
    const tools = children.filter((s) => s.name === 'execute_tool calc')
    expect(tools).toHaveLength(1)
    expect(attr(tools[0]!, 'gen_ai.tool.name')).toBe('calc')
    expect(attr(tools[0]!, 'gen_ai.tool.call.id')).toEqual(expect.any(String))
    const middlewares = children.filter((s) => s.name === 'middleware tool-result-reorder')
    expect(middlewares.map((s) => attr(s, 'jiminy.middleware.round'))).toEqual([1, 2])

    const exported = receiver.bodies.join('\n')
    expect(exported).not.toContain('remember-this-prompt')
    expect(exported).not.toContain(SECRET)
    expect(exported).not.toContain('gen_ai.input.messages')
  })

  it('takes OTEL_EXPORTER_OTLP_ENDPOINT; capture_content puts the prompt on the run span, secrets redacted', async () => {
    const spans = await runOnce(dir, receiver, '{name: otel, config: {capture_content: true}}', {OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url})
    const root = spans.find((s) => s.name === 'invoke_agent jiminy')!
    const input = String(attr(root, 'gen_ai.input.messages'))
    expect(input).toContain('remember-this-prompt')
    expect(input).not.toContain(SECRET)
    expect(JSON.stringify(spans)).not.toContain(SECRET)
    expect(spans.some((s) => s.name === 'execute_tool calc' && String(attr(s, 'gen_ai.tool.call.arguments')).includes('2+3'))).toBe(true)
  })
})
