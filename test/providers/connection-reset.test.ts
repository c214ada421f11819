import {createServer, type Server, type ServerResponse} from 'node:http'
import {afterEach, describe, expect, it} from 'vitest'
import {createEngine} from '../../src/providers/index.js'
import {calcTool, ENV, errorEvent, fixture, runPrompt, type RealType, closeServer, listenLoopback} from './provider-harness.js'

let server: Server | undefined
afterEach(() => closeServer(server))

/** A real HTTP server that sends the first events of a transcript, then ends the response as `end` says. */
async function cutServer(body: string, end: (res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, {'content-type': 'text/event-stream'})
    // Once the events are on the wire (flushed), cut: a reset is then truly mid-body.
    res.write(body, () => setTimeout(() => end(res), 20))
  })
  return listenLoopback(server)
}

// Code and docs (docs/providers.md) agree: a connection cut mid-body (the socket destroyed or reset
// before the last chunk) is connection_error; a clean end of the body before the provider's terminal
// event is stream_truncated. Node's http server streams chunked, as providers do.
describe.each(['openai-chat', 'openai-responses', 'anthropic', 'gemini'] as RealType[])('%s stream cut mid-body', (type) => {
  const firstEvents = (): string => {
    const events = fixture(type, 'text').split('\n\n')
    const firstText = events.findIndex((e) => e.includes('"Hello'))
    return events.slice(0, firstText + 1).join('\n\n') + '\n\n'
  }

  it.each([
    ['destroyed', (res: ServerResponse) => res.socket?.destroy()],
    ['reset (RST)', (res: ServerResponse) => res.socket?.resetAndDestroy()],
  ])('a connection %s mid-body is connection_error', async (_how, cut) => {
    const url = await cutServer(firstEvents(), cut)
    const engine = createEngine({type, model: 'm-1', base_url: url, stall_timeout_ms: 30_000}, {tools: [calcTool], env: ENV})
    const {outcome, events} = await runPrompt(engine)
    expect(outcome.status).toBe('failed')
    expect(errorEvent(events)).toMatchObject({code: 'connection_error'})
  })

  it('a clean end of the body before the terminal event is stream_truncated', async () => {
    const url = await cutServer(firstEvents(), (res) => res.end())
    const engine = createEngine({type, model: 'm-1', base_url: url, stall_timeout_ms: 30_000}, {tools: [calcTool], env: ENV})
    const {outcome, events} = await runPrompt(engine)
    expect(outcome.status).toBe('failed')
    expect(errorEvent(events)).toMatchObject({code: 'stream_truncated'})
  })
})
