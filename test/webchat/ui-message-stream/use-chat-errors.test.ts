import {DefaultChatTransport, type UIMessage, type UIMessageChunk} from 'ai'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'
import {postJson, TEST_CONFIG_YAML, TestClient, waitIdle} from '../server/harness.js'
import {readAll, send, transportFor, userMessage} from './ai-sdk-client.js'

/** What a `useChat` page sees of errors, and `cancel_on_abort` (issue 24, item 17). */
let server: RunningServer
let n = 0
const newConv = () => `uce-${Date.now().toString(36)}-${++n}`

beforeAll(async () => {
  const yaml = `${TEST_CONFIG_YAML}  stoppable:\n    provider: {type: mock, delay_ms: 15}\n    cancel_on_abort: true\n`
  server = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(yaml, 'test.yaml')})
})
afterAll(async () => {
  await server?.close()
})

/** Starts a slow answer on `transport`, reads until its first text delta, then aborts the fetch as `stop()` does. */
async function startThenStop(transport: DefaultChatTransport<UIMessage>, convId: string): Promise<void> {
  const abort = new AbortController()
  const stream = await transport.sendMessages({
    chatId: convId,
    messages: [userMessage('tell me a long one /slow')],
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: abort.signal,
  })
  const reader = stream.getReader()
  for (let chunk: UIMessageChunk | undefined; chunk?.type !== 'text-delta';) chunk = (await reader.read()).value
  abort.abort()
  await reader.cancel().catch(() => undefined)
}

/** The run goes on after its stream was closed: more deltas arrive and nothing cancelled it; then it is cancelled by hand. */
async function expectStillRunning(convId: string, sem: TestClient, cancelledBefore = 0): Promise<void> {
  const deltas = sem.sem.filter((f) => f.type === 'llm.delta').length
  await sem.waitForType('llm.delta', deltas + 2)
  expect(server.manager.get(convId)?.running()).toBeDefined()
  expect(sem.sem.filter((f) => f.type === 'run.cancelled')).toHaveLength(cancelledBefore)
  await postJson(server, `/api/conversations/${convId}/cancel`, {})
  await waitIdle(server, convId)
}

describe('useChat errors', () => {
  it('a 409 carries code run_in_progress and a short message the page can show; the transport surfaces it', async () => {
    const convId = newConv()
    const sem = await TestClient.connect(server, {conv_id: convId, profile: 'paced'})
    const first = await transportFor(server, {profile: 'paced'}).sendMessages({
      chatId: convId,
      messages: [userMessage('one /slow')],
      trigger: 'submit-message',
      messageId: undefined,
      abortSignal: undefined,
    })
    const busy = await postJson(server, '/api/chat', {id: convId, messages: [userMessage('two')], trigger: 'submit-message'})
    expect(busy.status).toBe(409)
    expect(busy.body).toMatchObject({code: 'run_in_progress', running: true})
    expect(String(busy.body.error)).not.toMatch(/inf_|inference_id/)
    expect(String(busy.body.error).length).toBeLessThan(90)
    // What useChat puts in `error.message`: the body, whose `error` is the sentence to show.
    const thrown = await send(transportFor(server), convId, [userMessage('three')]).catch((e: unknown) => e)
    expect(thrown).toBeInstanceOf(Error)
    expect(JSON.parse((thrown as Error).message)).toMatchObject({code: 'run_in_progress', error: busy.body.error})
    await postJson(server, `/api/conversations/${convId}/cancel`, {})
    await readAll(first)
    await sem.close()
  })

  it("a provider error's text carries its code once", async () => {
    const {chunks} = await send(transportFor(server), newConv(), [userMessage('fail please /error')])
    const error = chunks.find((c) => c.type === 'error') as {errorText: string} | undefined
    expect(error?.errorText).toContain('(overloaded_error)')
    expect(error!.errorText.split('(overloaded_error)')).toHaveLength(2)
  })
})

describe('cancel_on_abort', () => {
  it('off by default: stop() leaves the run going', async () => {
    const convId = newConv()
    const sem = await TestClient.connect(server, {conv_id: convId, profile: 'paced'})
    await startThenStop(transportFor(server, {profile: 'paced'}), convId)
    await expectStillRunning(convId, sem)
    await sem.close()
  })

  it('?cancel_on_abort=1: stop() cancels the run', async () => {
    const convId = newConv()
    const sem = await TestClient.connect(server, {conv_id: convId, profile: 'paced'})
    const transport = new DefaultChatTransport<UIMessage>({
      api: new URL('api/chat?cancel_on_abort=1', server.url).href,
      body: {profile: 'paced'},
    })
    await startThenStop(transport, convId)
    await sem.waitForType('run.finished')
    expect(sem.sem.find((f) => f.type === 'run.finished')).toMatchObject({status: 'cancelled'})
    await waitIdle(server, convId)
    await sem.close()
  })

  it('a profile with cancel_on_abort: true cancels on stop(); ?cancel_on_abort=0 overrides it', async () => {
    const convId = newConv()
    const sem = await TestClient.connect(server, {conv_id: convId, profile: 'stoppable'})
    await startThenStop(transportFor(server, {profile: 'stoppable'}), convId)
    await sem.waitForType('run.finished')
    expect(sem.sem.find((f) => f.type === 'run.finished')).toMatchObject({status: 'cancelled'})
    await waitIdle(server, convId)

    const kept = new DefaultChatTransport<UIMessage>({
      api: new URL('api/chat?cancel_on_abort=0', server.url).href,
      body: {profile: 'stoppable'},
    })
    await startThenStop(kept, convId)
    await expectStillRunning(convId, sem, 1)
    await sem.close()
  })

  it('a bad cancel_on_abort value is a 422 naming it', async () => {
    const res = await postJson(server, '/api/chat?cancel_on_abort=maybe', {
      id: newConv(),
      messages: [userMessage('x')],
      trigger: 'submit-message',
    })
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({field: 'cancel_on_abort'})
  })
})
