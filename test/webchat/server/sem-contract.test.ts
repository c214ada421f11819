/**
 * DESIGN §3 "SEM frames — pinocchio-compatible", checked on a real socket, field by field: the
 * envelope, the id format and the type of every value, for every control frame and every frame
 * type, and the end of a cancelled and a failed run (llm.final → run.cancelled / run.error →
 * run.finished).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {publish, type Engine} from '../../../src/core/index.js'
import {createEngine} from '../../../src/providers/index.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import {postJson, startTestServer, TestClient, waitIdle, type SemEventJson} from './harness.js'

let server: RunningServer

/** The mock engine, plus `/extras`: a log line, an agent-mode switch and an info note before answering. */
const engineFactory = (...args: Parameters<typeof createEngine>): Engine => {
  const mock = createEngine(...args)
  return {
    runInference: (turn, ctx) => {
      const prompt = JSON.stringify(turn.blocks.at(-1)?.payload ?? '')
      if (prompt.includes('/extras')) {
        publish({type: 'log', level: 'warn', message: 'cache miss', fields: {key: 'k1'}})
        publish({
          type: 'agent-mode',
          mode: 'research',
          message: 'Switching to research',
          data: {from: 'chat', to: 'research', analysis: 'needs sources'},
        })
        publish({type: 'info', message: 'a note about the run', data: {n: 1}})
      }
      return mock.runInference(turn, ctx)
    },
  }
}

beforeAll(async () => {
  server = await startTestServer({engineFactory})
})
afterAll(async () => {
  await server.close()
})

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v)
const keysOf = (o: object) => Object.keys(o).sort()
/** run.finished's keys without `timeline`, jiminy's optional extra (where the run's time went). */
const finishedKeysOf = (o: object) => keysOf(o).filter((k) => k !== 'timeline')
/** The frames of DESIGN's run table: `middleware.trace`, when the run has one, is left out. */
const runFrames = (frames: readonly SemEventJson[]) => frames.filter((f) => f.type !== 'middleware.trace')

/** Every raw frame is `{"sem": true, "event": {...}}` and nothing else. */
function expectEnvelopes(client: TestClient): void {
  for (const raw of client.raw) {
    const parsed = JSON.parse(raw) as Record<string, unknown>
    expect(keysOf(parsed), raw).toEqual(['event', 'sem'])
    expect(parsed.sem).toBe(true)
    const event = parsed.event as Record<string, unknown>
    expect(typeof event.type, raw).toBe('string')
    expect(typeof event.id, raw).toBe('string')
    expect((event.id as string).length, raw).toBeGreaterThan(0)
  }
}

/** Conversation frames: conv_id, seq from 1 by 1, inference_id on run frames. */
function expectConversationFrames(frames: readonly SemEventJson[], convId: string): void {
  frames.forEach((f, i) => {
    expect(f.conv_id, f.type).toBe(convId)
    expect(f.seq, f.type).toBe(i + 1)
    if (f.type !== 'conversation.rebuilt') expect(typeof f.inference_id, f.type).toBe('string')
  })
}

function expectMetadata(metadata: unknown, final: boolean): void {
  const m = metadata as Record<string, unknown>
  expect(typeof m).toBe('object')
  expect(m.model).toBe('mock-1')
  if (!final) return
  const usage = m.usage as Record<string, unknown>
  expect(isInt(usage.input_tokens)).toBe(true)
  expect(isInt(usage.output_tokens)).toBe(true)
  expect(isInt(m.duration_ms)).toBe(true)
  expect(typeof m.stop_reason).toBe('string')
}

async function runToEnd(convId: string, prompt: string, profile = 'default'): Promise<{client: TestClient; inferenceId: string}> {
  const client = await TestClient.connect(server, {conv_id: convId, profile})
  await client.waitFor(() => client.control.length > 0, 'hello')
  const res = await postJson(server, `/chat/${profile}`, {prompt, conv_id: convId})
  expect(res.status).toBe(200)
  const inferenceId = res.body.inference_id as string
  await client.waitFor(() => client.sem.some((f) => f.type === 'run.finished' && f.inference_id === inferenceId), 'run.finished')
  return {client, inferenceId}
}

const typesOf = (frames: readonly SemEventJson[]) => frames.map((f) => f.type)

describe('control frames', () => {
  it('ws.hello: envelope, id ws.hello:{conv_id}:{ms}, conv_id, profile, server_time (Unix ms), last_seq', async () => {
    const before = Date.now()
    const client = await TestClient.connect(server, {conv_id: 'contract-hello', profile: 'step'})
    await client.waitFor(() => client.control.length > 0, 'hello')
    const after = Date.now()
    expectEnvelopes(client)
    const hello = client.control[0]!
    expect(keysOf(hello)).toEqual(['conv_id', 'id', 'last_seq', 'profile', 'server_time', 'type'])
    expect(hello).toMatchObject({type: 'ws.hello', conv_id: 'contract-hello', profile: 'step', last_seq: 0})
    expect(isInt(hello.server_time)).toBe(true)
    expect(hello.server_time as number).toBeGreaterThanOrEqual(before)
    expect(hello.server_time as number).toBeLessThanOrEqual(after)
    expect(hello.id).toBe(`ws.hello:contract-hello:${String(hello.server_time)}`)
    await client.close()
  })

  it('ws.pong answers ping in any case, {"type":"ws.ping"} in any case, and the SEM-wrapped ping', async () => {
    const client = await TestClient.connect(server, {conv_id: 'contract-ping'})
    const pings = [
      'ping',
      'PING',
      ' Ping\n',
      '{"type":"ws.ping"}',
      '{"type":"WS.PING"}',
      '{"sem":true,"event":{"type":"ws.ping"}}',
      '{"sem":true,"event":{"type":"Ws.Ping"}}',
    ]
    for (const ping of pings) client.ws.send(ping)
    await client.waitFor(() => client.control.filter((c) => c.type === 'ws.pong').length === pings.length, 'a pong per ping')
    expectEnvelopes(client)
    for (const pong of client.control.filter((c) => c.type === 'ws.pong')) {
      expect(keysOf(pong)).toEqual(['conv_id', 'id', 'server_time', 'type'])
      expect(isInt(pong.server_time)).toBe(true)
      expect(pong).toEqual({
        type: 'ws.pong',
        conv_id: 'contract-ping',
        server_time: pong.server_time,
        id: `ws.pong:contract-ping:${String(pong.server_time)}`,
      })
    }
    expect(client.control.some((c) => c.type === 'ws.error')).toBe(false)
    await client.close()
  })

  it('ws.error: id ws.error:{conv_id}:{ms}, code, message; the socket stays for a bad message, closes 1008 for a bad join', async () => {
    const client = await TestClient.connect(server, {conv_id: 'contract-error'})
    client.ws.send('{"type":"chat"}')
    await client.waitFor(() => client.control.some((c) => c.type === 'ws.error'), 'ws.error')
    const error = client.control.find((c) => c.type === 'ws.error')!
    expect(keysOf(error)).toEqual(['code', 'conv_id', 'id', 'message', 'server_time', 'type'])
    expect(error).toMatchObject({
      code: 'unknown_message',
      conv_id: 'contract-error',
      id: `ws.error:contract-error:${String(error.server_time)}`,
    })
    expect(typeof error.message).toBe('string')
    await client.close()

    const refused = await TestClient.connect(server, {conv_id: 'bad id!'})
    await refused.waitFor(() => refused.closeCode !== undefined, 'close')
    expectEnvelopes(refused)
    // An invalid conv_id is never echoed.
    expect(refused.control[0]).toMatchObject({type: 'ws.error', code: 'bad_conv_id', conv_id: ''})
    expect(refused.control[0]!.id).toBe(`ws.error::${String(refused.control[0]!.server_time)}`)
    expect(refused.closeCode).toBe(1008)
  })

  it('ws.replay: after_seq, from_seq, to_seq, truncated, then the frames', async () => {
    const {client} = await runToEnd('contract-replay', 'hello')
    await waitIdle(server, 'contract-replay')
    await client.close()
    const late = await TestClient.connect(server, {conv_id: 'contract-replay', after_seq: '2'})
    await late.waitFor(() => late.sem.length === client.sem.length - 2, 'the replay')
    expectEnvelopes(late)
    const [hello, replay] = late.control
    expect(hello).toMatchObject({type: 'ws.hello', last_seq: client.lastSeq})
    expect(keysOf(replay!)).toEqual(['after_seq', 'conv_id', 'from_seq', 'id', 'server_time', 'to_seq', 'truncated', 'type'])
    expect(replay).toMatchObject({
      type: 'ws.replay',
      conv_id: 'contract-replay',
      after_seq: 2,
      from_seq: 3,
      to_seq: client.lastSeq,
      truncated: false,
    })
    expect(replay!.id).toBe(`ws.replay:contract-replay:${String(replay!.server_time)}`)
    expect(late.raw.slice(2)).toEqual(client.raw.filter((r) => !r.includes('"type":"ws.')).slice(2))
    await late.close()
  })
})

describe('conversation frames', () => {
  it('a plain answer: user.message, llm.start {role, metadata}, llm.delta {delta, cumulative, metadata}, llm.final {text, metadata + top level}, run.finished last', async () => {
    const {client, inferenceId} = await runToEnd('contract-plain', 'hello there')
    expectEnvelopes(client)
    expectConversationFrames(client.sem, 'contract-plain')
    const frames = client.sem
    expect(frames[0]).toMatchObject({type: 'user.message', text: 'hello there'})
    const start = frames.find((f) => f.type === 'llm.start')!
    expect(keysOf(start)).toEqual(['conv_id', 'id', 'inference_id', 'metadata', 'model', 'role', 'seq', 'type'])
    expect(start.role).toBe('assistant')
    expectMetadata(start.metadata, false)
    for (const delta of frames.filter((f) => f.type === 'llm.delta')) {
      expect(delta.id).toBe(start.id)
      expect(typeof delta.delta).toBe('string')
      expect(typeof delta.cumulative).toBe('string')
      expectMetadata(delta.metadata, false)
    }
    const final = frames.find((f) => f.type === 'llm.final')!
    expect(final.id).toBe(start.id)
    expect(final.text).toBe(frames.filter((f) => f.type === 'llm.delta').at(-1)!.cumulative)
    expectMetadata(final.metadata, true)
    const metadata = final.metadata as Record<string, unknown>
    expect(metadata.stop_reason).toBe('stop')
    // The same fields top level.
    for (const key of ['model', 'usage', 'duration_ms', 'stop_reason']) expect(final[key], key).toEqual(metadata[key])

    const finished = frames.at(-1)!
    expect(finishedKeysOf(finished)).toEqual([
      'conv_id',
      'duration_ms',
      'id',
      'inference_id',
      'seq',
      'status',
      'stop_reason',
      'type',
      'usage',
    ])
    expect(finished).toMatchObject({
      type: 'run.finished',
      id: inferenceId,
      inference_id: inferenceId,
      status: 'completed',
      stop_reason: 'stop',
      usage: metadata.usage,
    })
    expect(isInt(finished.duration_ms)).toBe(true)
    expect(frames.filter((f) => f.type === 'run.finished')).toHaveLength(1)
    await client.close()
  })

  it('a /tool run: tool.start {name, input}, tool.delta {patch}, tool.result {result}, tool.done; usage summed over both inferences', async () => {
    const {client, inferenceId} = await runToEnd('contract-tool', 'what is 2+3? /tool')
    expectEnvelopes(client)
    expectConversationFrames(client.sem, 'contract-tool')
    const frames = client.sem
    const start = frames.find((f) => f.type === 'tool.start')!
    expect(start).toMatchObject({name: 'calc', input: {expression: '2+3'}})
    expect(start.id).toMatch(/^call_/)
    const tool = frames.filter((f) => f.id === start.id)
    expect(typesOf(tool)).toEqual(['tool.start', 'tool.delta', 'tool.result', 'tool.done'])
    expect(tool[1]!.patch).toEqual({status: 'executing', exec: true, input: {expression: '2+3'}})
    expect(tool[2]!.result).toBeDefined()
    expect(keysOf(tool[3]!)).toEqual(['conv_id', 'id', 'inference_id', 'seq', 'type'])
    const finals = frames.filter((f) => f.type === 'llm.final')
    expect(finals.map((f) => f.stop_reason)).toEqual(['tool_calls', 'stop'])
    const usage = (f: SemEventJson) => f.usage as {input_tokens: number; output_tokens: number}
    expect(frames.at(-1)).toMatchObject({
      type: 'run.finished',
      inference_id: inferenceId,
      status: 'completed',
      stop_reason: 'stop',
      usage: {
        input_tokens: usage(finals[0]!).input_tokens + usage(finals[1]!).input_tokens,
        output_tokens: usage(finals[0]!).output_tokens + usage(finals[1]!).output_tokens,
      },
    })
    expect(typesOf(runFrames(frames).filter((f) => f.type !== 'llm.delta'))).toEqual([
      'user.message',
      'llm.start',
      'tool.start',
      'llm.final',
      'tool.delta',
      'tool.result',
      'tool.done',
      'llm.start',
      'llm.final',
      'run.finished',
    ])
    await client.close()
  })

  it('a /think run: llm.thinking.start {id {message_id}:thinking, role: thinking, metadata}, deltas, final', async () => {
    const {client} = await runToEnd('contract-think', 'why? /think')
    expectConversationFrames(client.sem, 'contract-think')
    const message = client.sem.find((f) => f.type === 'llm.start')!
    const thinking = client.sem.filter((f) => f.type.startsWith('llm.thinking.'))
    expect(thinking[0]).toMatchObject({type: 'llm.thinking.start', id: `${message.id}:thinking`, role: 'thinking'})
    expectMetadata(thinking[0]!.metadata, false)
    expect(thinking.every((f) => f.id === `${message.id}:thinking`)).toBe(true)
    const last = thinking.at(-1)!
    expect(last.type).toBe('llm.thinking.final')
    expect(last.text).toBe(thinking.at(-2)!.cumulative)
    await client.close()
  })

  it('log only from log events, agent.mode {title, data {title, from, to, analysis}}, an info as run.info', async () => {
    const {client} = await runToEnd('contract-extras', 'hi /extras')
    expectConversationFrames(client.sem, 'contract-extras')
    const logs = client.sem.filter((f) => f.type === 'log')
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({level: 'warn', message: 'cache miss', fields: {key: 'k1'}})
    const mode = client.sem.find((f) => f.type === 'agent.mode')!
    expect(mode).toMatchObject({
      title: 'Switching to research',
      data: {title: 'Switching to research', from: 'chat', to: 'research', analysis: 'needs sources'},
    })
    expect(client.sem.find((f) => f.type === 'run.info')).toMatchObject({message: 'a note about the run', data: {n: 1}})
    await client.close()
  })

  it('a /slow run cancelled mid-stream: llm.final (partial text) → run.cancelled → run.finished {status: cancelled}', async () => {
    const client = await TestClient.connect(server, {conv_id: 'contract-cancel', profile: 'paced'})
    const res = await postJson(server, '/chat/paced', {prompt: 'a long story /slow', conv_id: 'contract-cancel'})
    await client.waitForType('llm.delta', 2)
    await postJson(server, '/api/conversations/contract-cancel/cancel', {})
    await client.waitForType('run.finished')
    expectEnvelopes(client)
    expectConversationFrames(client.sem, 'contract-cancel')
    const inferenceId = res.body.inference_id as string
    const tail = runFrames(client.sem).slice(-3)
    expect(typesOf(tail)).toEqual(['llm.final', 'run.cancelled', 'run.finished'])
    const lastCumulative = client.sem.filter((f) => f.type === 'llm.delta').at(-1)!.cumulative as string
    expect(lastCumulative.length).toBeGreaterThan(0)
    const [final, cancelled, finished] = tail as [SemEventJson, SemEventJson, SemEventJson]
    expect(final).toMatchObject({id: client.sem.find((f) => f.type === 'llm.start')!.id, text: lastCumulative, stop_reason: 'cancelled'})
    expect(final.metadata).toMatchObject({model: 'mock-1', stop_reason: 'cancelled'})
    expect(isInt((final.metadata as {duration_ms: unknown}).duration_ms)).toBe(true)
    expect(cancelled).toMatchObject({id: inferenceId, text: lastCumulative, message_id: final.id})
    expect(finishedKeysOf(finished)).toEqual(['conv_id', 'duration_ms', 'id', 'inference_id', 'seq', 'status', 'type'])
    expect(finished).toMatchObject({inference_id: inferenceId, status: 'cancelled'})
    await waitIdle(server, 'contract-cancel')
    expect(client.sem.at(-1)).toBe(finished)
    await client.close()
  })

  it('a provider error: llm.final (partial text) → run.error → run.finished {status: failed}', async () => {
    const {client, inferenceId} = await runToEnd('contract-error-run', 'then fail /error')
    expectEnvelopes(client)
    expectConversationFrames(client.sem, 'contract-error-run')
    const tail = runFrames(client.sem).slice(-3) as [SemEventJson, SemEventJson, SemEventJson]
    expect(typesOf(tail)).toEqual(['llm.final', 'run.error', 'run.finished'])
    expect(tail[0]).toMatchObject({
      text: 'Starting to answer, and then',
      stop_reason: 'error',
      metadata: {model: 'mock-1', stop_reason: 'error'},
    })
    expect(tail[1]).toMatchObject({id: inferenceId, code: 'overloaded_error', message_id: tail[0].id})
    expect(typeof tail[1].message).toBe('string')
    expect(tail[2]).toMatchObject({inference_id: inferenceId, status: 'failed'})
    await client.close()
  })

  it('step.paused {pause_id, phase, tool_calls, deadline} and step.resumed {pause_id, action, timed_out}', async () => {
    const client = await TestClient.connect(server, {conv_id: 'contract-step', profile: 'step'})
    await postJson(server, '/chat/step', {prompt: 'what is 2+3? /tool', conv_id: 'contract-step'})
    await client.waitForType('step.paused')
    const paused = client.sem.find((f) => f.type === 'step.paused')!
    expect(paused).toMatchObject({id: paused.pause_id, phase: 'after_inference'})
    expect(Array.isArray(paused.tool_calls)).toBe(true)
    expect(Number.isNaN(Date.parse(paused.deadline as string))).toBe(false)
    await postJson(server, '/api/conversations/contract-step/step', {pause_id: paused.pause_id, action: 'continue'})
    await client.waitForType('step.resumed')
    expect(client.sem.find((f) => f.type === 'step.resumed')).toMatchObject({
      id: paused.pause_id,
      pause_id: paused.pause_id,
      action: 'continue',
      timed_out: false,
    })
    // The next pause (after_tools), then the end of the run.
    await client.waitForType('step.paused', 2)
    const second = client.sem.filter((f) => f.type === 'step.paused')[1]!
    await postJson(server, '/api/conversations/contract-step/step', {pause_id: second.pause_id, action: 'continue'})
    await client.waitForType('run.finished')
    expectConversationFrames(client.sem, 'contract-step')
    await client.close()
  })

  it('conversation.rebuilt {record} carries no inference_id and comes before the next run', async () => {
    const client = await TestClient.connect(server, {conv_id: 'contract-rebuild'})
    await postJson(server, '/chat', {prompt: 'one', conv_id: 'contract-rebuild'})
    await client.waitForType('run.finished')
    await waitIdle(server, 'contract-rebuild')
    await postJson(server, '/chat', {prompt: 'two', conv_id: 'contract-rebuild', overrides: {system_prompt: 'Be brief.'}})
    await client.waitForType('run.finished', 2)
    const rebuilt = client.sem.find((f) => f.type === 'conversation.rebuilt')!
    expect('inference_id' in rebuilt).toBe(false)
    expect(typeof rebuilt.record).toBe('object')
    expectConversationFrames(client.sem, 'contract-rebuild')
    await client.close()
  })
})
