import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {SessionSnapshotResponseSchema} from '../../../src/sem/sessionstream/wire/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson} from '../server/harness.js'
import {SessionStreamClient} from './client.js'

const CONFIG = `
profiles:
  default:
    provider: {type: mock, delay_ms: 0}
    tools: [calc, clock]
  paced:
    provider: {type: mock, delay_ms: 5}
    tools: [calc, clock]
`

let server: RunningServer
beforeAll(async () => {
  server = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(CONFIG, 'test.yaml')})
})
afterAll(async () => {
  await server?.close()
})

async function newSession(profile?: string): Promise<string> {
  const res = await postJson(server, '/api/chat/sessions', profile ? {profile} : {})
  expect(res.status).toBe(200)
  return res.body.sessionId as string
}

describe('sessionstream over /api/chat/ws', () => {
  it('hello, then snapshot → subscribed, then a run as Chat* uiEvents with one ordinal per backend event', async () => {
    const sid = await newSession()
    const client = await SessionStreamClient.connect(server)
    await client.waitFor(() => client.frames.length >= 1, 'hello')
    expect(client.frames[0]!.kind).toBe('hello')
    client.subscribe(sid)
    await client.waitFor(() => client.kinds().includes('subscribed'), 'subscribed')
    expect(client.kinds()).toEqual(['hello', 'snapshot', 'subscribed'])

    const sent = await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt: 'hello there'})
    expect(sent.status).toBe(200)
    expect(sent.body).toEqual({sessionId: sid, accepted: true, status: 'running', profile: 'default'})
    await client.waitForEvent(sid, 'ChatRunFinished')

    const events = client.uiEvents(sid)
    const names = events.map((e) => e.name)
    expect(names.slice(0, 4)).toEqual(['ChatUserMessageAccepted', 'ChatRunStarted', 'ChatProviderCallStarted', 'ChatTextSegmentStarted'])
    expect(names).toContain('ChatTextPatch')
    expect(names.slice(-3)).toEqual(['ChatTextSegmentFinished', 'ChatProviderCallFinished', 'ChatRunFinished'])
    // Ordinals never decrease, and the uiEvents of one backend event share theirs.
    for (let i = 1; i < events.length; i++) expect(events[i]!.ordinal >= events[i - 1]!.ordinal).toBe(true)
    expect(events[0]!.ordinal).toBe(events[1]!.ordinal)
    // pinocchio's ids: one root per run, the user message and text segments derived from it.
    const root = events[1]!.payload.messageId as string
    expect(root).toMatch(/^chat-msg-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(events[0]!.payload.messageId).toBe(`${root}-user`)
    expect(events[3]!.payload.messageId).toBe(`${root}:text:1`)
    expect(client.invalid).toEqual([])

    const snap = await getJson(server, `/api/chat/sessions/${sid}`)
    expect(snap.status).toBe(200)
    const body = SessionSnapshotResponseSchema.parse(snap.body)
    expect(body.status).toBe('finished')
    expect(body.snapshotOrdinal).toBe(events.at(-1)!.ordinal.toString())
    const view = client.views.get(sid)!
    expect(view.messages[`${root}:text:1`]!.text).toContain('hello there')
    expect(body.entities.map((e) => e.id)).toEqual([`${root}-user`, `${root}:text:1`])
    await client.close()
  })
})
