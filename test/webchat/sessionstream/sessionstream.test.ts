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

describe('sessionstream: joins, tools, stop, bad frames', () => {
  it('a client joining at many random points of a run ends identical to one that never left', async () => {
    const sid = await newSession('paced')
    const always = await SessionStreamClient.connect(server)
    always.subscribe(sid)
    await always.waitFor(() => always.kinds().includes('subscribed'), 'subscribed')
    await postJson(server, `/api/chat/sessions/${sid}/messages`, {
      prompt: 'tell me a fairly long story about twelve words or more please /tool',
    })
    const joiners: SessionStreamClient[] = []
    // Join at random moments while the run streams (deltas every 5 ms).
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 25)))
      const late = await SessionStreamClient.connect(server)
      late.subscribe(sid)
      joiners.push(late)
    }
    await always.waitForEvent(sid, 'ChatRunFinished')
    for (const late of joiners) {
      await late.waitFor(() => late.kinds().includes('subscribed'), 'subscribed')
      await late.waitFor(() => JSON.stringify(late.views.get(sid)) === JSON.stringify(always.views.get(sid)), 'the same view')
      // Snapshot, then only events above its ordinal: nothing repeated.
      const snap = late.frames.find((f) => f.kind === 'snapshot')!
      const at = BigInt(snap.kind === 'snapshot' ? (snap.value.snapshotOrdinal ?? '0') : '0')
      expect(late.uiEvents(sid).every((e) => e.ordinal > at)).toBe(true)
      expect(late.invalid).toEqual([])
      await late.close()
    }
    const view = always.views.get(sid)!
    expect(Object.values(view.tools).map((t) => t.status)).toEqual(['completed'])
    expect(always.invalid).toEqual([])
    await always.close()
  })

  it('stop cancels the run: the open segment closes as stopped, then ChatRunStopped; a second prompt while running is 409', async () => {
    const sid = await newSession('paced')
    const client = await SessionStreamClient.connect(server)
    client.subscribe(sid)
    await client.waitFor(() => client.kinds().includes('subscribed'), 'subscribed')
    await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt: 'a long answer please /slow'})
    await client.waitForEvent(sid, 'ChatTextPatch', 2)
    const busy = await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt: 'again'})
    expect(busy.status).toBe(409)
    expect(busy.body.code).toBe('run_in_progress')
    const stop = await postJson(server, `/api/chat/sessions/${sid}/stop`, {})
    expect(stop.body).toEqual({sessionId: sid, accepted: true, status: 'stopping'})
    await client.waitForEvent(sid, 'ChatRunStopped')
    const names = client.uiEvents(sid).map((e) => e.name)
    expect(names.slice(-2)).toEqual(['ChatTextSegmentFinished', 'ChatRunStopped'])
    expect(client.uiEvents(sid).at(-2)!.payload.status).toBe('stopped')
    expect(names).not.toContain('ChatRunFinished')
    expect((await postJson(server, `/api/chat/sessions/${sid}/stop`, {})).body.status).toBe('idle')
    await client.close()
  })

  it('answers bad client frames with error frames and keeps serving the socket', async () => {
    const client = await SessionStreamClient.connect(server)
    client.send('not json')
    client.send({subscribe: {sessionId: 's', sinceSnapshotOrdinal: 5}})
    client.send({hello: {}})
    client.send({ping: {nonce: 'n1'}, pong: {}})
    client.send({subscribe: {}})
    client.send({unsubscribe: {}})
    client.send({subscribe: {sessionId: 'bad id!'}})
    client.send({ping: {nonce: 'n2'}})
    await client.waitFor(() => client.kinds().includes('pong'), 'pong')
    const errors = client.frames.flatMap((f) => (f.kind === 'error' ? [f.value.code] : []))
    expect(errors).toEqual([
      'bad_client_frame',
      'bad_client_frame',
      'bad_client_frame',
      'bad_client_frame',
      'protocol_error',
      'protocol_error',
      'protocol_error',
    ])
    const pong = client.frames.at(-1)!
    expect(pong).toEqual({kind: 'pong', value: {nonce: 'n2'}})
    expect(client.invalid).toEqual([])
    await client.close()
  })

  it('several sessions on one socket; unsubscribe stops one of them', async () => {
    const [a, b] = [await newSession(), await newSession()]
    const client = await SessionStreamClient.connect(server)
    client.subscribe(a)
    client.subscribe(b)
    await client.waitFor(() => client.kinds().filter((k) => k === 'subscribed').length === 2, 'two subscribed')
    client.send({unsubscribe: {sessionId: b}})
    await client.waitFor(() => client.kinds().includes('unsubscribed'), 'unsubscribed')
    await postJson(server, `/api/chat/sessions/${a}/messages`, {prompt: 'to a'})
    await postJson(server, `/api/chat/sessions/${b}/messages`, {prompt: 'to b'})
    await client.waitForEvent(a, 'ChatRunFinished')
    await new Promise((r) => setTimeout(r, 100))
    expect(client.uiEvents(b)).toEqual([])
    await client.close()
  })

  it('rejects empty prompts, unknown profiles and bad formats with codes; exports json, yaml and markdown', async () => {
    const sid = await newSession()
    expect(await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt: '  '})).toMatchObject({
      status: 400,
      body: {code: 'empty_prompt'},
    })
    expect(await postJson(server, '/api/chat/sessions', {profile: 'nope'})).toMatchObject({status: 404, body: {code: 'unknown_profile'}})
    const client = await SessionStreamClient.connect(server)
    client.subscribe(sid)
    await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt: 'export me'})
    await client.waitForEvent(sid, 'ChatRunFinished')
    const bad = await fetch(new URL(`api/chat/sessions/${sid}/timeline?format=pdf`, server.url))
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({code: 'invalid_format', field: 'format'})
    const yaml = await fetch(new URL(`api/chat/sessions/${sid}/export?format=yaml&download=1`, server.url))
    expect(yaml.headers.get('content-disposition')).toBe(`attachment; filename="jiminy-${sid}-export.yaml"`)
    expect(await yaml.text()).toContain('export me')
    const md = await (await fetch(new URL(`api/chat/sessions/${sid}/turns?format=markdown`, server.url))).text()
    expect(md).toContain('export me')
    const json = await getJson(server, `/api/chat/sessions/${sid}/timeline`)
    expect(json.body.entities.length).toBe(2)
    await client.close()
  })
})
