import {DefaultChatTransport, type UIMessage, type UIMessageChunk as SdkChunk} from 'ai'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import type {UIMessageChunk} from '../../../src/webchat/ui-message-stream/ui-message-chunk.js'
import {getJson, postJson, startTestServer, TestClient, waitIdle} from '../server/harness.js'
import {answerApprovals, readAll, send, textOf, toolParts, transportFor, userMessage} from './ai-sdk-client.js'

// Compile-time: every chunk jiminy sends is a chunk of the SDK's own union.
const asSdkChunk = (chunk: UIMessageChunk): SdkChunk => chunk
void asSdkChunk

let server: RunningServer
let n = 0
const newConv = () => `ai-${Date.now().toString(36)}-${++n}`

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.close()
})

const types = (chunks: readonly {type: string}[]) => chunks.map((c) => c.type)
/** Chunk types with each run of deltas collapsed to one `…-delta*`. */
const shape = (chunks: readonly {type: string}[]) =>
  types(chunks)
    .map((t) => (t.endsWith('-delta') && t !== 'tool-input-delta' ? `${t}*` : t))
    .filter((t, i, all) => !(t.endsWith('*') && all[i - 1] === t))

async function snapshotBlocks(convId: string): Promise<{kind: string; payload: Record<string, unknown>}[]> {
  const snap = await getJson(server, `/api/conversations/${convId}/snapshot`)
  expect(snap.status).toBe(200)
  return snap.body.turn.blocks as {kind: string; payload: Record<string, unknown>}[]
}

describe('POST /api/chat with the AI SDK client', () => {
  it('answers a plain prompt as a v1 UI message stream ending in [DONE]', async () => {
    const convId = newConv()
    const res = await fetch(new URL('api/chat', server.url), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({id: convId, messages: [userMessage('hello there')], trigger: 'submit-message'}),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1')
    expect(res.headers.get('content-type')).toBe('text/event-stream')
    const text = await res.text()
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '))
    expect(events.at(-1)).toBe('data: [DONE]')
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)) as {type: string; messageId?: string})
    expect(chunks[0]).toMatchObject({type: 'start'})
    expect(types(chunks).slice(1, 4)).toEqual(['start-step', 'text-start', 'text-delta'])
    expect(types(chunks).slice(-3)).toEqual(['text-end', 'finish-step', 'finish'])
    await waitIdle(server, convId)

    const {chunks: viaSdk, message, errors} = await send(transportFor(server), newConv(), [userMessage('hello there')])
    expect(errors).toEqual([])
    expect(viaSdk.at(-1)).toMatchObject({type: 'finish', finishReason: 'stop'})
    expect(message.role).toBe('assistant')
    expect(textOf(message)).toContain('You asked: "hello there".')
    expect(message.parts.map((p) => p.type)).toEqual(['step-start', 'text'])
  })

  it('streams a /tool run: tool input, output, then the answer in a second step', async () => {
    const convId = newConv()
    const {chunks, message, errors} = await send(transportFor(server), convId, [userMessage('what is 2+3? /tool')])
    expect(errors).toEqual([])
    expect(shape(chunks)).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-delta*',
      'tool-input-start',
      'tool-input-delta',
      'tool-input-available',
      'text-end',
      'finish-step',
      'tool-output-available',
      'start-step',
      'text-start',
      'text-delta*',
      'text-end',
      'finish-step',
      'finish',
    ])
    const [tool] = toolParts(message)
    expect(tool).toMatchObject({type: 'tool-calc', state: 'output-available', input: {expression: '2+3'}})
    expect(JSON.stringify(tool!.output)).toContain('5')
    expect(textOf(message)).toContain('2+3 = 5')
    console.log(`/tool run: ${chunks.length} UI message chunks (+ [DONE])`)
  })

  it('shows a /tool run as SEM shows it: same texts per step, same tool call and result', async () => {
    const convId = newConv()
    const sem = await TestClient.connect(server, {conv_id: convId})
    const {chunks, message} = await send(transportFor(server), convId, [userMessage('what is 3*3? /tool')])
    await waitIdle(server, convId)
    await sem.waitForType('llm.final', 2)
    const finals = sem.sem.filter((f) => f.type === 'llm.final').map((f) => f.text)
    expect(message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : []))).toEqual(finals.filter((t) => t !== ''))
    const semResult = sem.sem.find((f) => f.type === 'tool.result')!
    const [tool] = toolParts(message)
    expect(tool!.toolCallId).toBe(semResult.id)
    expect(tool!.output).toEqual(semResult.result)
    expect(message.id).toBe(semResult.inference_id)
    console.log(`one /tool run: ${sem.sem.length} SEM frames, ${chunks.length} UI message chunks (+ [DONE])`)
    await sem.close()
  })

  it('streams /think as a reasoning part before the text', async () => {
    const {message, errors} = await send(transportFor(server), newConv(), [userMessage('ponder this /think')])
    expect(errors).toEqual([])
    const parts = message.parts.filter((p) => p.type !== 'step-start')
    expect(parts.map((p) => p.type)).toEqual(['reasoning', 'text'])
    expect(parts[0]).toMatchObject({type: 'reasoning', state: 'done'})
    expect((parts[0] as {text: string}).text).toContain('I should restate it')
    expect(textOf(message)).toContain('Having thought about it')
  })

  it('continues a multi-turn chat from the server snapshot without duplicating the history', async () => {
    const convId = newConv()
    const transport = transportFor(server)
    const u1 = userMessage('first question')
    const a1 = (await send(transport, convId, [u1])).message
    await waitIdle(server, convId)
    const u2 = userMessage('second question')
    const second = await send(transport, convId, [u1, a1, u2])
    expect(second.errors).toEqual([])
    expect(textOf(second.message)).toContain('You asked: "second question".')
    expect(second.message.id).not.toBe(a1.id)
    await waitIdle(server, convId)
    const blocks = await snapshotBlocks(convId)
    expect(blocks.filter((b) => b.kind === 'user').map((b) => b.payload.text)).toEqual(['first question', 'second question'])
    expect(blocks.filter((b) => b.kind === 'llm_text')).toHaveLength(2)
  })

  it('maps a step pause to a tool approval request; approving runs the tool and the answer follows', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'step'})
    const u = userMessage('what is 6*7? /tool')
    const first = await send(transport, convId, [u])
    expect(first.errors).toEqual([])
    expect(types(first.chunks).slice(-2)).toEqual(['tool-approval-request', 'finish'])
    expect(first.chunks.at(-1)).toMatchObject({finishReason: 'tool-calls'})
    const [asked] = toolParts(first.message)
    expect(asked).toMatchObject({type: 'tool-calc', state: 'approval-requested'})
    expect(server.manager.get(convId)?.pendingPause()?.phase).toBe('after_inference')

    const answered = answerApprovals(first.message, true)
    const second = await send(transport, convId, [u, answered], {messageId: answered.id, message: answered})
    expect(second.errors).toEqual([])
    expect(second.chunks[0]).toMatchObject({type: 'start', messageId: first.message.id})
    expect(second.message.id).toBe(first.message.id)
    const [done] = toolParts(second.message)
    expect(done).toMatchObject({state: 'output-available'})
    expect(textOf(second.message)).toContain('6*7 = 42')
    expect(second.chunks.at(-1)).toMatchObject({type: 'finish', finishReason: 'stop'})
    await waitIdle(server, convId)
    const blocks = await snapshotBlocks(convId)
    expect(blocks.filter((b) => b.kind === 'user')).toHaveLength(1)
    expect(blocks.filter((b) => b.kind === 'tool_use').map((b) => b.payload.error)).toEqual([undefined])
  })

  it('denying the approval answers the pause with deny: the tool never runs and the run ends', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'step'})
    const u = userMessage('what is 1+1? /tool')
    const first = await send(transport, convId, [u])
    const answered = answerApprovals(first.message, false)
    const second = await send(transport, convId, [u, answered], {messageId: answered.id, message: answered})
    expect(second.errors).toEqual([])
    expect(types(second.chunks)).toEqual(['start', 'tool-output-denied', 'finish'])
    // The run ended because of the denial, and its finish says so.
    expect(second.chunks.at(-1)).toMatchObject({type: 'finish', finishReason: 'other', messageMetadata: {status: 'denied'}})
    expect(toolParts(second.message)[0]).toMatchObject({state: 'output-denied'})
    await waitIdle(server, convId)
    const blocks = await snapshotBlocks(convId)
    expect(blocks.filter((b) => b.kind === 'tool_use').map((b) => b.payload.error)).toEqual(['denied by user'])
    // A stale approval (the run is over) is a JSON 409 before any stream.
    const again = answerApprovals(first.message, false)
    const stale = await postJson(server, '/api/chat', {id: convId, messages: [u, again], trigger: 'submit-message'})
    expect(stale.body).toMatchObject({code: 'stale_pause', current_pause_id: null})
    expect(stale.status).toBe(409)
  })

  it('survives a dropped connection: reconnectToStream replays the answer, whose text equals SEM llm.final', async () => {
    const convId = newConv()
    const sem = await TestClient.connect(server, {conv_id: convId, profile: 'paced'})
    const transport = transportFor(server, {profile: 'paced'})
    const abort = new AbortController()
    const stream = await transport.sendMessages({
      chatId: convId,
      messages: [userMessage('keep talking')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: abort.signal,
    })
    const reader = stream.getReader()
    const early: string[] = []
    while (!early.includes('text-delta')) early.push((await reader.read()).value!.type)
    abort.abort()
    await reader.cancel().catch(() => undefined)
    expect(server.manager.get(convId)?.running()).toBeDefined()

    const resumed = await transport.reconnectToStream({chatId: convId})
    expect(resumed).not.toBeNull()
    const {message, chunks, errors} = await readAll(resumed!)
    expect(errors).toEqual([])
    expect(chunks[0]).toMatchObject({type: 'start'})
    expect(chunks.at(-1)).toMatchObject({type: 'finish'})
    await sem.waitForType('llm.final')
    const final = sem.sem.find((f) => f.type === 'llm.final')!
    expect(textOf(message)).toBe(final.text)
    expect(message.id).toBe(final.inference_id)
    await sem.close()

    await waitIdle(server, convId)
    expect(await transport.reconnectToStream({chatId: convId})).toBeNull()
    const raw = await fetch(new URL(`api/chat/${convId}/stream`, server.url))
    expect(raw.status).toBe(204)
    expect((await fetch(new URL('api/chat/never-seen/stream', server.url))).status).toBe(204)
  })

  it('resumes a paused run at its approval request, and follows a run started over SEM (POST /chat)', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'step'})
    const first = await send(transport, convId, [userMessage('what is 4*4? /tool')])
    const resumed = await transport.reconnectToStream({chatId: convId})
    const replay = await readAll(resumed!)
    expect(replay.errors).toEqual([])
    expect(types(replay.chunks)).toEqual(types(first.chunks))
    expect(replay.message).toEqual(first.message)
    const pause = server.manager.get(convId)!.pendingPause()!
    await postJson(server, `/api/conversations/${convId}/step`, {pause_id: pause.pauseId, action: 'deny'})
    await waitIdle(server, convId)

    const other = newConv()
    const sem = await TestClient.connect(server, {conv_id: other, profile: 'paced'})
    const started = await postJson(server, '/chat/paced', {conv_id: other, prompt: 'from the SEM page'})
    expect(started.status).toBe(200)
    const followed = await readAll((await transportFor(server).reconnectToStream({chatId: other}))!)
    expect(followed.errors).toEqual([])
    expect(followed.message.id).toBe(started.body.inference_id)
    await sem.waitForType('llm.final')
    expect(textOf(followed.message)).toBe(sem.sem.find((f) => f.type === 'llm.final')!.text)
    await sem.close()
  })

  it('ends with abort after POST /api/conversations/{id}/cancel; the conversation stays usable', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'paced'})
    const stream = await transport.sendMessages({
      chatId: convId,
      messages: [userMessage('a long one /slow')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    })
    const [mine, watch] = stream.tee()
    const reading = readAll(mine)
    const reader = watch.getReader()
    while ((await reader.read()).value?.type !== 'text-delta');
    void reader.cancel()
    const cancelled = await postJson(server, `/api/conversations/${convId}/cancel`, {})
    expect(cancelled.body).toMatchObject({cancelled: true})
    const {chunks, errors} = await reading
    expect(errors).toEqual([])
    expect(types(chunks).slice(-2)).toEqual(['text-end', 'abort'])
    await waitIdle(server, convId)
    const next = await send(transport, convId, [userMessage('still there?')])
    expect(textOf(next.message)).toContain('still there?')
  })

  it('turns a provider failure into an error chunk; the next prompt works', async () => {
    const convId = newConv()
    const transport = transportFor(server)
    const failed = await send(transport, convId, [userMessage('break /error')])
    expect(failed.errors.map(String).join()).toContain('simulated upstream failure')
    expect(types(failed.chunks).slice(-3)).toEqual(['text-end', 'error', 'finish'])
    expect(failed.chunks.at(-1)).toMatchObject({finishReason: 'error'})
    await waitIdle(server, convId)
    const next = await send(transport, convId, [userMessage('again')])
    expect(next.errors).toEqual([])
    expect(textOf(next.message)).toContain('You asked: "again".')
  })
})

describe('POST /api/chat refusals are JSON before any stream', () => {
  const body = (over: Record<string, unknown>) => ({id: newConv(), messages: [userMessage('hi')], trigger: 'submit-message', ...over})

  it.each([
    [{id: 'bad id!'}, 'id'],
    [{messages: []}, 'messages'],
    [{trigger: 'resume'}, 'trigger'],
    [{trigger: 'regenerate-message'}, 'trigger'],
    [{messages: [{id: 'x', role: 'user', parts: [{type: 'file', url: 'data:,', mediaType: 'text/plain'}]}]}, 'messages.0.parts'],
    [{messages: [{id: 'x', role: 'assistant', parts: [{type: 'text', text: 'hm'}]}]}, 'messages.0'],
    [{profile: 'step', overrides: {step_mode: 'yes'}}, 'overrides.step_mode'],
  ])('422 for %j names %s', async (over, field) => {
    const res = await postJson(server, '/api/chat', body(over))
    expect(res.body).toMatchObject({code: 'invalid_request', field})
    expect(res.status).toBe(422)
  })

  it('409 with the inference id while the conversation runs', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'paced'})
    const stream = await transport.sendMessages({
      chatId: convId,
      messages: [userMessage('one /slow')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    })
    const busy = await postJson(server, '/api/chat', {id: convId, messages: [userMessage('two')], trigger: 'submit-message'})
    expect(busy.status).toBe(409)
    expect(busy.body.code).toBe('run_in_progress')
    expect(busy.body.inference_id).toBe(server.manager.get(convId)?.running()?.inferenceId)
    await postJson(server, `/api/conversations/${convId}/cancel`, {})
    await readAll(stream)
  })

  it('413 for a body over the cap', async () => {
    const res = await postJson(server, '/api/chat', body({messages: [userMessage('x'.repeat(300 * 1024))]}))
    expect(res.status).toBe(413)
    expect(res.body.code).toBe('body_too_large')
  })

  it('401 without the token; the transport with the bearer header streams', async () => {
    const guarded = await startTestServer({token: 'sekret'})
    try {
      const refused = await postJson(guarded, '/api/chat', body({}))
      expect(refused).toMatchObject({status: 401, body: {code: 'unauthorized'}})
      const resume = await fetch(new URL('api/chat/x/stream', guarded.url))
      expect(resume.status).toBe(401)
      expect(await resume.json()).toMatchObject({code: 'unauthorized'})
      const transport = new DefaultChatTransport<UIMessage>({
        api: new URL('api/chat', guarded.url).href,
        headers: {authorization: 'Bearer sekret'},
      })
      const {message, errors} = await send(transport, newConv(), [userMessage('let me in')])
      expect(errors).toEqual([])
      expect(textOf(message)).toContain('let me in')
    } finally {
      await guarded.close()
    }
  })

  it('403 for a foreign Origin', async () => {
    const res = await postJson(server, '/api/chat', body({}), {origin: 'https://evil.example'})
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('origin_not_allowed')
  })
})
