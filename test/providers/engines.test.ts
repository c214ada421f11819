import {HttpResponse} from 'msw'
import {setupServer} from 'msw/node'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {
  engineFor,
  errorEvent,
  finalEvent,
  fixture,
  newBlocks,
  runPrompt,
  serve,
  sseResponse,
  TEST_KEY,
  type RealType,
} from './provider-harness.js'

const server = setupServer()
beforeAll(() => server.listen({onUnhandledRequest: 'error'}))
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

interface Expectations {
  text: string
  stop: {text: string; tools: string; length: string}
  usageKey: string
  reasoning: string[]
  lengthText: string
  midStreamError: string
  httpError: {status: number; body: unknown; message: string}
}

const EXPECT: Record<RealType, Expectations> = {
  'openai-chat': {
    text: 'Hello there!',
    stop: {text: 'stop', tools: 'tool_calls', length: 'length'},
    usageKey: 'prompt_tokens',
    reasoning: ['The user greets me. Reply briefly.'],
    lengthText: 'Once upon a',
    midStreamError: 'The server had an error while processing your request. Sorry about that!',
    httpError: {
      status: 401,
      body: {
        error: {message: `Incorrect API key provided: ${TEST_KEY}.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key'},
      },
      message: 'Incorrect API key provided',
    },
  },
  'openai-responses': {
    text: 'Hello there!',
    stop: {text: 'completed', tools: 'completed', length: 'max_output_tokens'},
    usageKey: 'input_tokens',
    reasoning: ['**Greeting**\n\nThe user says hi.\n\n**Plan**\n\nAnswer briefly.'],
    lengthText: 'Once upon a',
    midStreamError: 'You exceeded your current quota',
    httpError: {
      status: 400,
      body: {
        error: {
          message: "Unsupported parameter: 'temperature' is not supported with this model.",
          type: 'invalid_request_error',
          param: 'temperature',
          code: 'unsupported_parameter',
        },
      },
      message: "Unsupported parameter: 'temperature'",
    },
  },
  anthropic: {
    text: "Hello! I'm doing well.",
    stop: {text: 'end_turn', tools: 'tool_use', length: 'max_tokens'},
    usageKey: 'input_tokens',
    reasoning: ['The user wants 2+3. Use the calc tool.', ''],
    lengthText: 'Once upon a',
    midStreamError: 'Overloaded',
    httpError: {
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: 'max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5',
        },
      },
      message: 'max_tokens: 100000 > 64000',
    },
  },
  gemini: {
    text: 'Hello there!',
    stop: {text: 'STOP', tools: 'STOP', length: 'MAX_TOKENS'},
    usageKey: 'promptTokenCount',
    reasoning: ["**Counting letters**\n\nThe user asks how many r's."],
    lengthText: 'Once upon a',
    midStreamError: 'The model is overloaded. Please try again later.',
    httpError: {
      status: 400,
      body: {error: {code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT'}},
      message: 'API key not valid',
    },
  },
}

const REASONING_FIXTURE: Record<RealType, string> = {
  'openai-chat': 'reasoning',
  'openai-responses': 'reasoning',
  anthropic: 'thinking',
  gemini: 'reasoning',
}
const TYPES: RealType[] = ['openai-chat', 'openai-responses', 'anthropic', 'gemini']

describe.each(TYPES)('%s engine', (type) => {
  const want = EXPECT[type]

  it('streams plain text: start, cumulative partials, final with raw stop reason and usage', async () => {
    const seen = serve(server, type, [() => sseResponse(fixture(type, 'text'))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('completed')
    const blocks = newBlocks(result)
    expect(blocks.map((b) => [b.kind, b.payload.text])).toEqual([['llm_text', want.text]])
    const types = result.events.map((e) => e.type)
    expect(types[0]).toBe('start')
    // the Session ends every run with run-finished; the engine's last event is its final
    expect(types.filter((t) => t !== 'run-finished').at(-1)).toBe('final')
    const partials = result.events.filter((e) => e.type === 'partial')
    expect(partials.length).toBeGreaterThan(1)
    expect(partials.at(-1)).toMatchObject({completion: want.text})
    const final = finalEvent(result.events)!
    expect(final.text).toBe(want.text)
    expect(final.meta.stop_reason).toBe(want.stop.text)
    expect(final.meta.usage).toMatchObject({input_tokens: expect.any(Number), output_tokens: expect.any(Number)})
    expect(final.meta.usage!.raw).toHaveProperty(want.usageKey)
    const engineEvents = result.events.filter((e) => e.type !== 'error' && e.type !== 'run-finished')
    expect(new Set(engineEvents.map((e) => e.meta.message_id)).size).toBe(1)
    // the key travels only in its header, never in the URL or body
    expect(JSON.stringify(seen.bodies)).not.toContain(TEST_KEY)
    expect(seen.urls[0]).not.toContain(TEST_KEY)
  })

  it('announces one tool call with parsed arguments', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'tool-call'))])
    const result = await runPrompt(engineFor(type))
    const calls = newBlocks(result).filter((b) => b.kind === 'tool_call')
    expect(calls.map((b) => ({name: b.payload.name, args: b.payload.args}))).toEqual([{name: 'calc', args: {expression: '2+3'}}])
    expect(typeof calls[0]!.payload.id).toBe('string')
    const events = result.events.filter((e) => e.type === 'tool-call')
    expect(events).toHaveLength(1)
    expect(finalEvent(result.events)!.meta.stop_reason).toBe(want.stop.tools)
  })

  it('assembles parallel tool calls from fragmented arguments, in order', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'parallel-tool-calls'))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('completed')
    const calls = newBlocks(result).filter((b) => b.kind === 'tool_call')
    expect(calls.map((b) => [b.payload.name, b.payload.args])).toEqual([
      ['calc', {expression: '6*7'}],
      ['clock', {timezone: 'UTC'}],
    ])
    expect(new Set(calls.map((b) => b.payload.id)).size).toBe(2)
  })

  it('streams reasoning as partial-thinking and keeps it in reasoning blocks', async () => {
    serve(server, type, [() => sseResponse(fixture(type, REASONING_FIXTURE[type]))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('completed')
    const reasoning = newBlocks(result).filter((b) => b.kind === 'reasoning')
    expect(reasoning.map((b) => b.payload.text)).toEqual(want.reasoning)
    const thinking = result.events.filter((e) => e.type === 'partial-thinking')
    expect(thinking.length).toBeGreaterThan(0)
    expect(thinking.at(-1)).toMatchObject({completion: want.reasoning.join('')})
  })

  it('finishes by length with the raw stop reason and the partial text', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'length'))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('completed')
    expect(newBlocks(result).map((b) => b.payload.text)).toEqual([want.lengthText])
    expect(finalEvent(result.events)!.meta.stop_reason).toBe(want.stop.length)
  })

  it('surfaces a refusal as text marked as a refusal', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'refusal'))])
    const result = await runPrompt(engineFor(type))
    const text = newBlocks(result).filter((b) => b.kind === 'llm_text')
    expect(text).toHaveLength(1)
    expect(text[0]!.payload.text).toMatch(/can't help with that/)
    expect(text[0]!.metadata.refusal).toBe(true)
  })

  it('ends with an error event naming the provider message on a mid-stream error, and the session stays usable', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'mid-stream-error')), () => sseResponse(fixture(type, 'text'))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('failed')
    expect(errorEvent(result.events)!.message).toContain(want.midStreamError)
    expect(finalEvent(result.events)).toBeUndefined()
    const again = await result.session.start(result.session.seedWithPrompt('again')).wait()
    expect(again.status).toBe('completed')
    expect(again.turn.blocks.at(-1)!.payload.text).toBe(want.text)
  })

  it('retries an HTTP 429 (honouring retry-after) and then succeeds', async () => {
    const seen = serve(server, type, [
      () =>
        HttpResponse.json({error: {message: 'Rate limit reached', type: 'rate_limit_error'}}, {status: 429, headers: {'retry-after': '0'}}),
      () => sseResponse(fixture(type, 'text')),
    ])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('completed')
    expect(seen.bodies).toHaveLength(2)
    expect(finalEvent(result.events)!.text).toBe(want.text)
  })

  it('gives up after the bounded retries with the last 5xx message', async () => {
    const seen = serve(server, type, [
      () =>
        HttpResponse.json(
          {error: {message: 'upstream overloaded', type: 'overloaded_error'}},
          {status: 529, headers: {'retry-after-ms': '1'}},
        ),
    ])
    const result = await runPrompt(engineFor(type, {max_retries: 2}))
    expect(result.outcome.status).toBe('failed')
    expect(seen.bodies).toHaveLength(3)
    expect(errorEvent(result.events)!.message).toContain('upstream overloaded')
  })

  it('reports the provider message of an HTTP error body without retrying, and never the key', async () => {
    const seen = serve(server, type, [
      () =>
        new Response(JSON.stringify(want.httpError.body), {status: want.httpError.status, headers: {'content-type': 'application/json'}}),
    ])
    const result = await runPrompt(engineFor(type))
    expect(seen.bodies).toHaveLength(1)
    const error = errorEvent(result.events)!
    expect(error.message).toContain(want.httpError.message)
    expect(error.message).toContain(String(want.httpError.status))
    expect(error.message).not.toContain(TEST_KEY)
  })

  it('parses CRLF line endings the same as LF', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'text').replaceAll('\n', '\r\n'))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('completed')
    expect(finalEvent(result.events)!.text).toBe(want.text)
  })

  it('treats a stream that ends before the model finished as an error', async () => {
    serve(server, type, [() => sseResponse(fixture(type, 'truncated'))])
    const result = await runPrompt(engineFor(type))
    expect(result.outcome.status).toBe('failed')
    expect(errorEvent(result.events)!.message).toMatch(/ended before/)
  })

  it('names what was wrong with a malformed chunk', async () => {
    serve(server, type, [() => sseResponse('data: {"oops": \n\n')])
    const result = await runPrompt(engineFor(type))
    expect(errorEvent(result.events)!.message).toMatch(/bad stream chunk \(not JSON\)/)
  })

  it('aborts a stream that stalls past the timeout', async () => {
    const first = fixture(type, 'text').split('\n\n')[0]! + '\n\n'
    serve(server, type, [
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode(first))
            },
          }),
          {headers: {'content-type': 'text/event-stream'}},
        ),
    ])
    const started = Date.now()
    const result = await runPrompt(engineFor(type, {stall_timeout_ms: 150}))
    expect(result.outcome.status).toBe('failed')
    expect(errorEvent(result.events)!.message).toMatch(/stalled: no data for 150 ms/)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('openai-chat specifics', () => {
  it('reports a JSON error written after the last SSE event', async () => {
    serve(server, 'openai-chat', [() => sseResponse(fixture('openai-chat', 'json-error-after-events'))])
    const result = await runPrompt(engineFor('openai-chat'))
    expect(errorEvent(result.events)!.message).toContain('upstream connect error or disconnect/reset before headers')
  })

  it('sends stream_options.include_usage, tools and max_completion_tokens; compatible servers get max_tokens and no key', async () => {
    const seen = serve(server, 'openai-chat', [() => sseResponse(fixture('openai-chat', 'text'))])
    await runPrompt(engineFor('openai-chat', {max_tokens: 50, temperature: 0.2}))
    expect(seen.bodies[0]).toMatchObject({
      model: 'm-1',
      stream: true,
      stream_options: {include_usage: true},
      max_completion_tokens: 50,
      temperature: 0.2,
    })
    expect((seen.bodies[0]!.tools as unknown[]).length).toBe(2)
    expect(seen.headers[0]!.get('authorization')).toBe(`Bearer ${TEST_KEY}`)

    await runPrompt(engineFor('openai-compatible' as RealType, {max_tokens: 50}))
    expect(seen.bodies[1]).toMatchObject({max_tokens: 50})
    expect(seen.bodies[1]).not.toHaveProperty('max_completion_tokens')
    expect(seen.headers[1]!.get('authorization')).toBeNull()
  })
})

describe('tool calls without arguments', () => {
  it.each(['anthropic', 'gemini'] as const)('%s: parses to {}', async (type) => {
    serve(server, type, [() => sseResponse(fixture(type, 'tool-call-no-args'))])
    const result = await runPrompt(engineFor(type))
    const calls = newBlocks(result).filter((b) => b.kind === 'tool_call')
    expect(calls.map((b) => [b.payload.name, b.payload.args])).toEqual([['clock', {}]])
  })
})
