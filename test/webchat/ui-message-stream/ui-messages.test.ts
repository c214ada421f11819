import {request} from 'node:http'
import {validateUIMessages, type UIMessage} from 'ai'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson, startTestServer, waitIdle} from '../server/harness.js'
import {answerApprovals, send, transportFor, userMessage} from './ai-sdk-client.js'

/** `GET /api/chat/{id}/messages` (issue 24, item 16): the history a useChat page loads after a reload. */
let server: RunningServer
let n = 0
const newConv = () => `uim-${Date.now().toString(36)}-${++n}`

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.close()
})

async function history(convId: string): Promise<UIMessage[]> {
  const res = await getJson(server, `/api/chat/${convId}/messages`)
  expect(res.status).toBe(200)
  return res.body as unknown as UIMessage[]
}

/** A part as the page shows it: the fields both a streamed and a loaded message have. */
const shown = (part: UIMessage['parts'][number]) => {
  const {type} = part
  if (type === 'text' || type === 'reasoning') return {type, text: (part as {text: string}).text}
  if (type.startsWith('tool-')) {
    const {toolCallId, state, input, output, errorText} = part as Record<string, unknown>
    return {type, toolCallId, state, input, output, errorText}
  }
  return {type}
}

describe('GET /api/chat/{id}/messages', () => {
  it('is the conversation as UIMessage[] that validateUIMessages accepts, equal to what the stream built', async () => {
    const convId = newConv()
    const transport = transportFor(server)
    const streamed: UIMessage[] = []
    for (const prompt of ['hello there', 'what is 2+3? /tool', 'ponder this /think', 'two tools please /tools']) {
      const user = userMessage(prompt)
      const {message, errors} = await send(transport, convId, [...streamed, user])
      expect(errors).toEqual([])
      streamed.push(user, message)
      await waitIdle(server, convId)
    }
    const loaded = await history(convId)
    await expect(validateUIMessages({messages: loaded})).resolves.toHaveLength(8)
    expect(loaded.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant'])
    expect(loaded.filter((m) => m.role === 'user').map((m) => m.parts)).toEqual(
      streamed.filter((m) => m.role === 'user').map((m) => [{...m.parts[0], state: 'done'}]),
    )
    expect(loaded.filter((m) => m.role === 'assistant').map((m) => m.parts.map(shown))).toEqual(
      streamed.filter((m) => m.role === 'assistant').map((m) => m.parts.map(shown)),
    )
    expect(new Set(loaded.map((m) => m.id)).size).toBe(loaded.length)
  })

  it('a denied tool call is an output-error part naming the denial; the history still validates', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'step'})
    const u = userMessage('what is 2+3? /tool')
    const first = await send(transport, convId, [u])
    const answered = answerApprovals(first.message, false)
    await send(transport, convId, [u, answered], {messageId: answered.id, message: answered})
    await waitIdle(server, convId)
    const loaded = await validateUIMessages({messages: await history(convId)})
    const tool = loaded[1]!.parts.find((p) => p.type === 'tool-calc') as Record<string, unknown>
    expect(tool).toMatchObject({state: 'output-error', errorText: 'denied by user', input: {expression: '2+3'}})
  })

  it('is [] for a chat id that has no conversation yet; a bad id is a 400/404, never a crash', async () => {
    expect(await history(newConv())).toEqual([])
    // node:http: the in-process msw interceptor (the recording stack) answers a malformed URL itself.
    const bad = await rawGetStatus(server, '/api/chat/%E0%A4%A/messages')
    expect([400, 404]).toContain(bad)
  })

  it('a POST to it is a 405 naming GET', async () => {
    const res = await postJson(server, `/api/chat/${newConv()}/messages`, {})
    expect(res.status).toBe(405)
  })
})

describe('GET /api/chat/{id}/messages while a run goes', () => {
  it('holds the finished runs only; a cancelled run keeps its partial answer', async () => {
    const convId = newConv()
    const transport = transportFor(server, {profile: 'paced'})
    const done = await send(transport, convId, [userMessage('first')])
    await waitIdle(server, convId)
    const stream = await transport.sendMessages({
      chatId: convId,
      messages: [userMessage('second /slow')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    })
    const reader = stream.getReader()
    while ((await reader.read()).value?.type !== 'text-delta');
    const loaded = await history(convId)
    expect(loaded.map((m) => m.role)).toEqual(['user', 'assistant'])
    expect(loaded[1]!.parts.map(shown)).toEqual(done.message.parts.map(shown))
    await postJson(server, `/api/conversations/${convId}/cancel`, {})
    await reader.cancel()
    await waitIdle(server, convId)
    // Cancelled: the partial answer stays, as in the snapshot.
    const after = await validateUIMessages({messages: await history(convId)})
    expect(after.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
    expect(after[3]!.parts.map((p) => p.type)).toEqual(['step-start', 'text'])
  })
})

function rawGetStatus(target: RunningServer, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port: target.port, path}, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}
