import {describe, expect, it} from 'vitest'
import {
  CollectingSink,
  Session,
  StreamingMessage,
  appendBlocks,
  diffTurns,
  registerSecret,
  toolLoop,
  traceMiddlewares,
  ToolRegistry,
  defineTool,
  type Event,
  type InferenceFn,
  type Middleware,
  type NamedMiddleware,
} from '../../src/core/index.js'
import {translateEvent} from '../../src/sem/translator.js'
import {z} from 'zod'

const answering =
  (text: string): InferenceFn =>
  async (turn) => {
    const msg = new StreamingMessage('test')
    for (const word of text.split(/(?<= )/)) msg.textDelta(word)
    return appendBlocks(turn, ...msg.finish({stopReason: 'stop', usage: {input_tokens: 2, output_tokens: 4}}))
  }

const shout: Middleware = (next) => async (turn, ctx) => {
  const before = turn.blocks.length
  const out = await next(turn, ctx)
  return {
    ...out,
    blocks: out.blocks.map((b, i) =>
      i >= before && b.kind === 'llm_text' ? {...b, payload: {...b.payload, text: String(b.payload.text).toUpperCase()}} : b,
    ),
  }
}
const tag: Middleware = (next) => (turn, ctx) =>
  next({...turn, blocks: [...turn.blocks, {id: 'blk_tag', kind: 'other', payload: {text: 'tagged'}, metadata: {}}]}, ctx)
const passThrough: Middleware = (next) => (turn, ctx) => next(turn, ctx)

async function run(engine: InferenceFn, middlewares: NamedMiddleware[], prompt = 'hi'): Promise<{events: Event[]; text: string}> {
  const chain = traceMiddlewares(engine, middlewares)
  const sink = new CollectingSink()
  const session = new Session('conv-trace', {run: chain.around(chain.inference), sinks: [sink]})
  const outcome = await session.start(session.seedWithPrompt(prompt)).wait()
  const last = outcome.turn.blocks.at(-1)
  return {events: sink.events, text: String(last?.payload.text)}
}

describe('traceMiddlewares', () => {
  it('publishes a revision after the final when a middleware changes the streamed answer, naming it', async () => {
    const {events, text} = await run(answering('hello there'), [
      {name: 'pass', middleware: passThrough},
      {name: 'shout', middleware: shout},
    ])
    expect(text).toBe('HELLO THERE')
    const types = events.map((e) => e.type)
    expect(types.indexOf('answer-revised')).toBeGreaterThan(types.indexOf('final'))
    const final = events.find((e) => e.type === 'final')!
    const revised = events.find((e) => e.type === 'answer-revised')!
    expect(revised).toMatchObject({text: 'HELLO THERE', by: ['shout'], meta: {message_id: final.meta.message_id, stop_reason: 'stop'}})
    const [frame] = translateEvent(revised)
    expect(frame).toMatchObject({type: 'llm.final', id: final.meta.message_id, text: 'HELLO THERE', revised: {by: ['shout']}})
    // The trace comes before run-finished, which carries the timeline.
    expect(types.slice(-2)).toEqual(['middleware-trace', 'run-finished'])
  })

  it('publishes no revision when the answer is unchanged', async () => {
    const {events} = await run(answering('hello'), [{name: 'pass', middleware: passThrough}])
    expect(events.some((e) => e.type === 'answer-revised')).toBe(false)
  })

  it('traces each call with a duration and the diff of each side, outermost first', async () => {
    const {events} = await run(answering('hello'), [
      {name: 'tag', middleware: tag},
      {name: 'shout', middleware: shout},
      {name: 'plumbing', middleware: passThrough, traced: false},
    ])
    const trace = events.find((e) => e.type === 'middleware-trace')
    if (trace?.type !== 'middleware-trace') throw new Error('no trace')
    expect(trace.calls.map((c) => [c.name, c.depth, c.round])).toEqual([
      ['tag', 0, 1],
      ['shout', 1, 1],
    ])
    for (const call of trace.calls) {
      expect(call.duration_ms).toBeGreaterThanOrEqual(call.self_ms)
      expect(call.self_ms).toBeGreaterThanOrEqual(0)
    }
    const [tagCall, shoutCall] = trace.calls
    expect(tagCall!.request.added).toEqual([{id: 'blk_tag', kind: 'other', text: 'tagged'}])
    expect(tagCall!.response).toEqual({added: [], removed: [], changed: [], reordered: false})
    expect(shoutCall!.request.added).toEqual([])
    expect(shoutCall!.response.changed).toEqual([expect.objectContaining({kind: 'llm_text', text: 'HELLO', before: 'hello'})])
  })

  it('one trace per run across tool-loop rounds, with a round per inference', async () => {
    let round = 0
    const engine: InferenceFn = async (turn) => {
      const msg = new StreamingMessage('test')
      if (round++ === 0) msg.toolCall({id: 'call_x1', name: 'noop', args: {}})
      else msg.textDelta('done')
      return appendBlocks(turn, ...msg.finish())
    }
    const registry = new ToolRegistry([defineTool({name: 'noop', description: 'no-op', args: z.object({}), run: () => 'ok'})])
    const chain = traceMiddlewares(engine, [{name: 'pass', middleware: passThrough}])
    const sink = new CollectingSink()
    const session = new Session('conv-loop', {run: chain.around(toolLoop({inference: chain.inference, registry})), sinks: [sink]})
    await session.start(session.seedWithPrompt('go')).wait()
    const traces = sink.events.filter((e) => e.type === 'middleware-trace')
    expect(traces).toHaveLength(1)
    const calls = traces[0]!.type === 'middleware-trace' ? traces[0]!.calls : []
    expect(calls.map((c) => c.round)).toEqual([1, 2])
    const finished = sink.events.at(-1)
    if (finished?.type !== 'run-finished') throw new Error('no run-finished')
    expect(finished.timeline?.inferences).toHaveLength(2)
    expect(finished.timeline?.tools.map((t) => t.name)).toEqual(['noop'])
  })

  it('redacts secrets from the diff previews', () => {
    registerSecret('sk-trace-secret-value-123456')
    const before = {id: 't', blocks: [], metadata: {}, data: {}}
    const after = {
      ...before,
      blocks: [{id: 'b1', kind: 'user' as const, payload: {text: 'key sk-trace-secret-value-123456'}, metadata: {}}],
    }
    expect(JSON.stringify(diffTurns(before, after))).not.toContain('sk-trace-secret-value-123456')
  })
})

describe('diffTurns on the way down', () => {
  it('never shows what a scrubbing middleware removed from the prompt', async () => {
    const scrub: Middleware = (next) => (turn, ctx) =>
      next(
        {
          ...turn,
          blocks: turn.blocks.map((b) =>
            b.kind === 'user' ? {...b, payload: {text: String(b.payload.text).replace('hunter42', '<gone>')}} : b,
          ),
        },
        ctx,
      )
    const {events} = await run(answering('ok'), [{name: 'scrub', middleware: scrub}], 'password hunter42')
    const trace = events.find((e) => e.type === 'middleware-trace')
    expect(JSON.stringify(trace)).toContain('<gone>')
    expect(JSON.stringify(events)).not.toContain('hunter42')
  })
})

describe('run-finished timeline', () => {
  it('serialises exactly as its decoded copy (keys in schema order), so a replay makes the same frame', async () => {
    const {decodeEvent, encodeEvent} = await import('../../src/core/index.js')
    const {events} = await run(answering('one two three'), [{name: 'pass', middleware: passThrough}])
    for (const event of events) {
      const decoded = decodeEvent(encodeEvent(event))
      if (!decoded.ok) throw new Error(decoded.error.message)
      expect(JSON.stringify(translateEvent(decoded.event))).toBe(JSON.stringify(translateEvent(event)))
    }
  })
})
