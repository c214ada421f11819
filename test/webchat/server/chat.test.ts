import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson, startTestServer, TestClient, waitIdle, type SemEventJson} from './harness.js'

let server: RunningServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.close()
})

const byType = (frames: SemEventJson[], type: string) => frames.filter((f) => f.type === type)

describe('POST /chat streaming', () => {
  it('streams a run as frames with seq 1..n in order and stable message ids', async () => {
    const client = await TestClient.connect(server, {conv_id: 'seq-1'})
    const res = await postJson(server, '/chat', {prompt: 'what is 2+3? /tool', conv_id: 'seq-1'})
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({conv_id: 'seq-1', session_id: 'seq-1', profile: 'default', rebuilt: false})
    expect(res.body.run_id).toBe(res.body.inference_id)
    expect(res.body.signature).toMatch(/^[0-9a-f]{12}$/)
    await client.waitForType('llm.final', 2)
    const frames = client.sem
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1))
    expect(new Set(frames.map((f) => f.inference_id))).toEqual(new Set([res.body.inference_id]))
    // Each message: llm.start, deltas, llm.final under one id; cumulative grows to the final text.
    for (const start of byType(frames, 'llm.start')) {
      const own = frames.filter((f) => f.id === start.id)
      expect(own[0]!.type).toBe('llm.start')
      expect(own.at(-1)!.type).toBe('llm.final')
      const deltas = own.filter((f) => f.type === 'llm.delta')
      expect(deltas.at(-1)!.cumulative).toBe(own.at(-1)!.text)
    }
    const tool = frames.filter((f) => f.type.startsWith('tool.'))
    expect(tool.map((f) => f.type)).toEqual(['tool.start', 'tool.delta', 'tool.result', 'tool.done'])
    expect(new Set(tool.map((f) => f.id)).size).toBe(1)
    expect(tool[0]).toMatchObject({name: 'calc', input: {expression: '2+3'}})
    expect(tool[2]).toMatchObject({result: expect.objectContaining({value: 5})})
    expect(byType(frames, 'llm.final').at(-1)!.text).toContain('= 5')
    await client.close()
  })

  it('gives 409 with the running inference_id while a run is in progress, then accepts again', async () => {
    const first = await postJson(server, '/chat/paced', {prompt: 'take your time', conv_id: 'busy-1'})
    expect(first.status).toBe(200)
    const second = await postJson(server, '/chat/paced', {prompt: 'me too', conv_id: 'busy-1'})
    expect(second.status).toBe(409)
    expect(second.body).toMatchObject({
      code: 'run_in_progress',
      inference_id: first.body.inference_id,
      error: expect.stringContaining('in progress'),
    })
    const conv = await getJson(server, '/api/conversations/busy-1')
    expect(conv.body).toMatchObject({running: true, inference_id: first.body.inference_id, profile: 'paced'})
    await postJson(server, '/api/conversations/busy-1/cancel', {})
    await waitIdle(server, 'busy-1')
    expect((await postJson(server, '/chat/paced', {prompt: 'again /tool', conv_id: 'busy-1'})).status).toBe(200)
    await waitIdle(server, 'busy-1')
  })

  it('returns the first answer for a retried idempotency_key instead of starting a second run', async () => {
    const body = {prompt: 'hello', conv_id: 'idem-1', idempotency_key: 'key-1'}
    const [a, b] = await Promise.all([postJson(server, '/chat', body), postJson(server, '/chat', body)])
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    expect(b.body.inference_id).toBe(a.body.inference_id)
    await waitIdle(server, 'idem-1')
    const c = await postJson(server, '/chat', body)
    expect(c.body).toMatchObject({inference_id: a.body.inference_id, idempotent_replay: true})
    const finals = (await getJson(server, '/api/conversations/idem-1')).body.turn.blocks.filter((b: {kind: string}) => b.kind === 'user')
    expect(finals).toHaveLength(1)
  })

  it('cancel mid-stream gives run.cancelled and leaves the conversation usable', async () => {
    const client = await TestClient.connect(server, {conv_id: 'cancel-1'})
    const run = await postJson(server, '/chat/paced', {prompt: 'a long answer please', conv_id: 'cancel-1'})
    await client.waitForType('llm.delta', 3)
    const cancel = await postJson(server, '/api/conversations/cancel-1/cancel', {})
    expect(cancel.body).toMatchObject({cancelled: true, inference_id: run.body.inference_id})
    await client.waitForType('run.cancelled')
    const cancelled = byType(client.sem, 'run.cancelled')[0]!
    expect(cancelled).toMatchObject({id: run.body.inference_id, inference_id: run.body.inference_id})
    expect(String(cancelled.text).length).toBeGreaterThan(0)
    // The interrupted message is closed with its partial text first, and run.finished ends the run.
    const closed = byType(client.sem, 'llm.final')
    expect(closed).toHaveLength(1)
    expect(closed[0]).toMatchObject({text: cancelled.text, stop_reason: 'cancelled'})
    expect(closed[0]!.seq).toBeLessThan(cancelled.seq)
    await client.waitForType('run.finished')
    expect(client.sem.at(-1)).toMatchObject({type: 'run.finished', status: 'cancelled', inference_id: run.body.inference_id})
    await waitIdle(server, 'cancel-1')
    expect((await postJson(server, '/api/conversations/cancel-1/cancel', {})).body).toMatchObject({cancelled: false})
    const next = await postJson(server, '/chat/paced', {prompt: 'short /tool', conv_id: 'cancel-1'})
    expect(next.status).toBe(200)
    await client.waitFor(() => byType(client.sem, 'llm.final').length === 3, 'the next run to finish')
    expect(client.sem.map((f) => f.seq)).toEqual(client.sem.map((_, i) => i + 1))
    const turn = (await getJson(server, '/api/conversations/cancel-1')).body.turn
    expect(turn.blocks.some((b: {metadata: {interrupted?: boolean}}) => b.metadata.interrupted)).toBe(true)
    await client.close()
  })

  it('step mode: pause → continue → the tool runs; a stale pause_id is 409', async () => {
    const client = await TestClient.connect(server, {conv_id: 'step-1', profile: 'step'})
    await postJson(server, '/chat/step', {prompt: 'what time is it? /tool', conv_id: 'step-1'})
    await client.waitForType('step.paused')
    const pause = byType(client.sem, 'step.paused')[0]!
    expect(pause).toMatchObject({phase: 'after_inference', tool_calls: [expect.objectContaining({name: 'clock'})]})
    expect(byType(client.sem, 'tool.result')).toHaveLength(0)
    const detail = await getJson(server, '/api/conversations/step-1')
    expect(detail.body.pending_pause).toMatchObject({pause_id: pause.pause_id, phase: 'after_inference'})
    expect(await postJson(server, '/api/conversations/step-1/step', {pause_id: 'pause_old', action: 'continue'})).toMatchObject({
      status: 409,
      body: {code: 'stale_pause'},
    })
    expect(await postJson(server, '/api/conversations/step-1/step', {pause_id: pause.pause_id, action: 'maybe'})).toMatchObject({
      status: 422,
      body: {code: 'invalid_request', field: 'action'},
    })
    const ok = await postJson(server, '/api/conversations/step-1/step', {pause_id: pause.pause_id, action: 'continue'})
    expect(ok.status).toBe(200)
    await client.waitForType('step.paused', 2)
    expect(byType(client.sem, 'tool.result')).toHaveLength(1)
    expect(byType(client.sem, 'step.resumed')[0]).toMatchObject({pause_id: pause.pause_id, action: 'continue', timed_out: false})
    const after = byType(client.sem, 'step.paused')[1]!
    expect(after.phase).toBe('after_tools')
    expect(await postJson(server, '/api/conversations/step-1/step', {pause_id: pause.pause_id, action: 'continue'})).toMatchObject({
      status: 409,
      body: {code: 'stale_pause'},
    })
    await postJson(server, '/api/conversations/step-1/step', {pause_id: after.pause_id, action: 'continue'})
    await client.waitForType('llm.final', 2)
    expect(byType(client.sem, 'llm.final').at(-1)!.text).toContain('the time is')
    await client.close()
  })

  it('step mode: deny ends the run with run.finished status denied, and the conversation timeline says so', async () => {
    const client = await TestClient.connect(server, {conv_id: 'step-deny', profile: 'step'})
    await postJson(server, '/chat/step', {prompt: 'what time is it? /tool', conv_id: 'step-deny'})
    await client.waitForType('step.paused')
    const pause = byType(client.sem, 'step.paused')[0]!
    await postJson(server, '/api/conversations/step-deny/step', {pause_id: pause.pause_id, action: 'deny'})
    await client.waitForType('run.finished')
    expect(client.sem.at(-1)).toMatchObject({type: 'run.finished', status: 'denied'})
    expect(byType(client.sem, 'tool.result')).toHaveLength(0)
    await waitIdle(server, 'step-deny')
    const detail = await getJson(server, '/api/conversations/step-deny')
    expect((detail.body.timelines as {status: string}[]).at(-1)).toMatchObject({status: 'denied'})
    await client.close()
  })

  it('changing overrides rebuilds the conversation with a diff frame, never mid-run', async () => {
    const client = await TestClient.connect(server, {conv_id: 'rebuild-1'})
    const a = await postJson(server, '/chat', {prompt: 'one', conv_id: 'rebuild-1'})
    await waitIdle(server, 'rebuild-1')
    const same = await postJson(server, '/chat', {prompt: 'two', conv_id: 'rebuild-1', overrides: {}})
    expect(same.body).toMatchObject({rebuilt: false, signature: a.body.signature})
    await waitIdle(server, 'rebuild-1')
    const b = await postJson(server, '/chat', {
      prompt: 'three',
      conv_id: 'rebuild-1',
      overrides: {system_prompt: 'Be brief.', tools: ['calc']},
    })
    expect(b.body.rebuilt).toBe(true)
    expect(b.body.signature).not.toBe(a.body.signature)
    await client.waitForType('conversation.rebuilt')
    const frame = byType(client.sem, 'conversation.rebuilt')[0]!
    const record = frame.record as {from: string; to: string; reason: string; diff: unknown; diff_text: string}
    expect(record).toMatchObject({from: a.body.signature, to: b.body.signature})
    expect(record.reason).toMatch(/system_prompt/)
    expect(record.diff).toHaveProperty('system_prompt')
    expect(record.diff_text).toContain('Be brief.')
    // The rebuild frame comes before the new run's frames.
    const firstOfRun = client.sem.find((f) => f.inference_id === b.body.inference_id)!
    expect(frame.seq).toBeLessThan(firstOfRun.seq)
    const detail = (await getJson(server, '/api/conversations/rebuild-1')).body
    expect(detail.rebuilds).toHaveLength(1)
    expect(detail.config.system_prompt).toBe('Be brief.')
    // A different config while a run is going: 409, the running engine is untouched.
    await waitIdle(server, 'rebuild-1')
    const slow = await postJson(server, '/chat/paced', {prompt: 'long one', conv_id: 'rebuild-1'})
    expect(slow.body.rebuilt).toBe(true)
    const midRun = await postJson(server, '/chat/default', {prompt: 'x', conv_id: 'rebuild-1'})
    expect(midRun.status).toBe(409)
    expect(midRun.body.code).toBe('run_in_progress')
    expect(midRun.body.inference_id).toBe(slow.body.inference_id)
    expect((await getJson(server, '/api/conversations/rebuild-1')).body.rebuilds).toHaveLength(2)
    await postJson(server, '/api/conversations/rebuild-1/cancel', {})
    await waitIdle(server, 'rebuild-1')
    await client.close()
  })

  it('uses the chat_profile cookie when the path names no profile', async () => {
    const res = await postJson(server, '/chat', {prompt: 'hi', conv_id: 'cookie-1'}, {cookie: 'chat_profile=step'})
    expect(res.body.profile).toBe('step')
    const viaPath = await postJson(server, '/chat/default', {prompt: 'hi', conv_id: 'cookie-2'})
    expect(viaPath.headers.get('set-cookie')).toContain('chat_profile=default')
    await postJson(server, '/api/conversations/cookie-1/cancel', {})
    await waitIdle(server, 'cookie-1')
    await waitIdle(server, 'cookie-2')
  })
})

describe('bad input gets a clear 4xx and the server keeps serving', () => {
  it('malformed JSON, oversized body, unknown profile, bad override, bad fields, unknown conversation', async () => {
    const cases: [string, unknown, number, string, RegExp | Record<string, unknown>][] = [
      ['/chat', '{"prompt": ', 400, 'bad_json', /malformed JSON/],
      ['/chat', '', 400, 'bad_json', /empty/],
      ['/chat', {prompt: 'x'.repeat(300 * 1024)}, 413, 'body_too_large', /limit/],
      ['/chat/nope', {prompt: 'hi'}, 404, 'unknown_profile', /unknown profile "nope"/],
      ['/chat', {prompt: 'hi', overrides: {step_mode: 'yes'}}, 422, 'invalid_request', {field: 'overrides.step_mode'}],
      ['/chat', {prompt: 'hi', overrides: {temperature: 2}}, 422, 'invalid_request', {field: 'overrides'}],
      ['/chat', {prompt: 'hi', overrides: {tools: ['no-such-tool']}}, 422, 'invalid_request', {field: 'overrides.tools.0'}],
      ['/chat', {prompt: ''}, 422, 'invalid_request', {field: 'prompt'}],
      ['/chat', {conv_id: 'x'}, 422, 'invalid_request', {field: 'prompt'}],
      ['/chat', [1, 2], 422, 'invalid_request', /object/],
      ['/chat', {prompt: 'hi', conv_id: '../etc'}, 422, 'invalid_request', {field: 'conv_id'}],
      ['/api/conversations/nobody/cancel', {}, 404, 'unknown_conversation', /no conversation/],
      ['/api/conversations/nobody/step', {pause_id: 'p', action: 'continue'}, 404, 'unknown_conversation', /no conversation/],
    ]
    for (const [path, body, status, code, expected] of cases) {
      const res = await postJson(server, path, body)
      expect(res.status, `${path} ${JSON.stringify(body).slice(0, 60)}`).toBe(status)
      expect(typeof res.body.error).toBe('string')
      expect(res.body.code, path).toBe(code)
      if (expected instanceof RegExp) expect(res.body.error).toMatch(expected)
      else expect(res.body).toMatchObject(expected)
    }
    expect(await getJson(server, '/api/conversations/nobody')).toMatchObject({status: 404, body: {code: 'unknown_conversation'}})
    const wrongMethod = await fetch(new URL('/chat', server.url))
    expect(wrongMethod.status).toBe(405)
    expect(await wrongMethod.json()).toMatchObject({code: 'method_not_allowed'})
    const text = await fetch(new URL('/chat', server.url), {method: 'POST', headers: {'content-type': 'image/png'}, body: 'x'})
    expect(text.status).toBe(415)
    expect(await text.json()).toMatchObject({code: 'unsupported_media_type'})
    // Still serving.
    const ok = await postJson(server, '/chat', {prompt: 'still there?', conv_id: 'after-errors'})
    expect(ok.status).toBe(200)
    await waitIdle(server, 'after-errors')
    const list = await getJson(server, '/api/conversations')
    expect(list.body.conversations.map((c: {conv_id: string}) => c.conv_id)).toContain('after-errors')
  })
})
