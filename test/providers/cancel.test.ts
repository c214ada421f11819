import {createServer, type Server} from 'node:http'
import {afterEach, describe, expect, it} from 'vitest'
import {callbackSink, engineAsFn, newTurn, Session} from '../../src/core/index.js'
import {createEngine} from '../../src/providers/index.js'
import {calcTool, ENV, fixture, type RealType, closeServer, listenLoopback} from './provider-harness.js'

let server: Server | undefined
afterEach(() => closeServer(server))

/** A real HTTP server that sends the first events of a transcript and then holds the stream open. */
async function holdingServer(body: string): Promise<{url: string; closed: Promise<number>}> {
  let resolveClosed!: (ms: number) => void
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve))
  server = createServer((req, res) => {
    req.resume()
    res.writeHead(200, {'content-type': 'text/event-stream'})
    res.write(body)
    res.on('close', () => resolveClosed(Date.now()))
  })
  return {url: await listenLoopback(server), closed}
}

describe.each(['openai-chat', 'openai-responses', 'anthropic', 'gemini'] as RealType[])('%s cancel', (type) => {
  it('aborts the HTTP request at once when the run is cancelled mid-stream', async () => {
    const events = fixture(type, 'text').split('\n\n')
    // everything up to and including the first text delta, then silence
    const firstText = events.findIndex((e) => e.includes('"Hello'))
    const {url, closed} = await holdingServer(events.slice(0, firstText + 1).join('\n\n') + '\n\n')
    const engine = createEngine({type, model: 'm-1', base_url: url, stall_timeout_ms: 30_000}, {tools: [calcTool], env: ENV})
    let onPartial = () => {}
    const sawPartial = new Promise<void>((resolve) => (onPartial = resolve))
    const session = new Session(
      'conv',
      {run: engineAsFn(engine), sinks: [callbackSink((e) => e.type === 'partial' && onPartial())]},
      newTurn(),
    )
    const handle = session.start(session.seedWithPrompt('hi'))
    await sawPartial
    const cancelledAt = Date.now()
    handle.cancel()
    const result = await handle.wait()
    expect(result.status).toBe('cancelled')
    const closedAt = await closed
    expect(closedAt - cancelledAt).toBeLessThan(1_000)
    // the partial text streamed before cancel is kept
    expect(result.turn.blocks.at(-1)).toMatchObject({kind: 'llm_text', metadata: {interrupted: true}})
  })
})
