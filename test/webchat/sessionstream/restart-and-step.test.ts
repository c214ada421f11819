import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {SessionSnapshotResponseSchema} from '../../../src/sem/sessionstream/wire/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson} from '../server/harness.js'
import {SessionStreamClient} from './client.js'

const CONFIG = parseConfigText(
  `
profiles:
  default:
    provider: {type: mock, delay_ms: 0}
    tools: [calc, clock]
  step:
    provider: {type: mock, delay_ms: 0}
    tools: [calc, clock]
    step_mode: true
`,
  'test.yaml',
)

let dir: string
const servers: RunningServer[] = []
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-ss-'))
})
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close()
  await rm(dir, {recursive: true, force: true})
})

async function start(store: string): Promise<RunningServer> {
  const server = await startServer({port: 0, logLevel: 'silent', config: CONFIG, store})
  servers.push(server)
  return server
}

async function runToEnd(server: RunningServer, sid: string, prompt: string): Promise<SessionStreamClient> {
  const client = await SessionStreamClient.connect(server)
  client.subscribe(sid)
  await client.waitFor(() => client.kinds().includes('subscribed'), 'subscribed')
  const before = client.uiEvents(sid).filter((e) => e.name === 'ChatRunFinished').length
  expect((await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt})).status).toBe(200)
  await client.waitForEvent(sid, 'ChatRunFinished', before + 1)
  return client
}

describe('sessionstream across a restart (SQLite store)', () => {
  it('hydrates the timeline after a restart, and a prompt after it never updates an entity of an older run', async () => {
    const path = join(dir, 'conversations.db')
    const first = await start(path)
    const sid = 'ss-restart-1'
    const c1 = await runToEnd(first, sid, 'first question')
    const before = SessionSnapshotResponseSchema.parse((await getJson(first, `/api/chat/sessions/${sid}`)).body)
    await c1.close()
    await first.close()
    servers.splice(0)

    const second = await start(path)
    const reloaded = SessionSnapshotResponseSchema.parse((await getJson(second, `/api/chat/sessions/${sid}`)).body)
    expect(reloaded).toEqual(before)
    const c2 = await runToEnd(second, sid, 'second question')
    // The late joiner's snapshot held the first run; the new run's ordinals continue after it.
    const firstNew = c2.uiEvents(sid)[0]!
    expect(firstNew.ordinal > BigInt(before.snapshotOrdinal!)).toBe(true)
    const after = SessionSnapshotResponseSchema.parse((await getJson(second, `/api/chat/sessions/${sid}`)).body)
    // Every entity of the first run is untouched (PINOCCHIO-202); the second run added its own.
    for (const old of before.entities) expect(after.entities.find((e) => e.kind === old.kind && e.id === old.id)).toEqual(old)
    expect(after.entities.length).toBe(before.entities.length * 2)
    const roots = new Set(after.entities.map((e) => e.id.replace(/(-user|:text:\d+)$/, '')))
    expect(roots.size).toBe(2)
    await c2.close()
  })
})

describe('step pauses as a HUMAN frontend tool', () => {
  it('a pause is ChatFrontendToolCallRequested; tools/results with {action} decides it; a stale one is 409', async () => {
    const server = await start('memory')
    const sid = 'ss-step-1'
    const client = await SessionStreamClient.connect(server)
    client.subscribe(sid)
    await client.waitFor(() => client.kinds().includes('subscribed'), 'subscribed')
    expect((await postJson(server, `/api/chat/sessions/${sid}/messages`, {prompt: 'what is 2+3? /tool', profile: 'step'})).status).toBe(200)
    await client.waitForEvent(sid, 'ChatFrontendToolCallRequested')
    const request = client.uiEvents(sid).find((e) => e.name === 'ChatFrontendToolCallRequested')!.payload
    expect(request).toMatchObject({toolName: 'jiminy.step_decision', mode: 'TOOL_EXECUTION_MODE_FRONTEND_HUMAN', status: 'requested'})
    const pauseId = request.toolCallId as string
    const unknown = await postJson(server, `/api/chat/sessions/${sid}/tools/results`, {toolCallId: 'nope', toolName: 'other', result: {}})
    expect(unknown.status).toBe(404)
    const badAction = await postJson(server, `/api/chat/sessions/${sid}/tools/results`, {
      toolCallId: pauseId,
      toolName: 'jiminy.step_decision',
      result: {action: 'maybe'},
    })
    expect(badAction.status).toBe(422)
    const ok = await postJson(server, `/api/chat/sessions/${sid}/tools/results`, {
      toolCallId: pauseId,
      toolName: 'jiminy.step_decision',
      result: {action: 'continue'},
    })
    expect(ok.body).toEqual({accepted: true, status: 'success'})
    await client.waitForEvent(sid, 'ChatFrontendToolResultReceived')
    const stale = await postJson(server, `/api/chat/sessions/${sid}/tools/results`, {
      toolCallId: pauseId,
      toolName: 'jiminy.step_decision',
      result: {action: 'continue'},
    })
    expect(stale.status).toBe(409)
    // Further pauses (after tools, after the answer) continue too, until the run ends.
    for (let n = 2; !client.uiEvents(sid).some((e) => e.name === 'ChatRunFinished'); n++) {
      await client.waitFor(
        () =>
          client.uiEvents(sid).filter((e) => e.name === 'ChatFrontendToolCallRequested').length >= n ||
          client.uiEvents(sid).some((e) => e.name === 'ChatRunFinished'),
        'a pause or the end',
      )
      const next = client.uiEvents(sid).filter((e) => e.name === 'ChatFrontendToolCallRequested')[n - 1]
      if (next)
        await postJson(server, `/api/chat/sessions/${sid}/tools/results`, {
          toolCallId: next.payload.toolCallId,
          toolName: 'jiminy.step_decision',
          result: {action: 'continue'},
        })
    }
    const manifest = await postJson(server, `/api/chat/sessions/${sid}/tools/manifest`, {
      revision: 3,
      tools: [{name: 'pick_color', mode: 'TOOL_EXECUTION_MODE_FRONTEND_HUMAN', inputSchema: {type: 'object'}}],
    })
    expect(manifest.body).toEqual({accepted: true, revision: 3})
    const entity = SessionSnapshotResponseSchema.parse((await getJson(server, `/api/chat/sessions/${sid}`)).body).entities.find(
      (e) => e.id === pauseId,
    )
    expect(entity).toMatchObject({
      kind: 'ChatFrontendToolCall',
      payload: {status: 'success', result: {action: 'continue', timedOut: false}},
    })
    expect(client.invalid).toEqual([])
    await client.close()
  })
})
