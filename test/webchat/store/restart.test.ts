import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {getJson, postJson, startTestServer, TestClient, waitIdle} from '../server/harness.js'

let dir: string
const servers: RunningServer[] = []
const clients: TestClient[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-restart-'))
})
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  for (const s of servers.splice(0)) await s.close()
  await rm(dir, {recursive: true, force: true})
})

async function start(path: string): Promise<RunningServer> {
  const server = await startTestServer({store: path})
  servers.push(server)
  return server
}

async function runToEnd(server: RunningServer, convId: string, prompt: string): Promise<void> {
  const answer = await postJson(server, '/chat', {conv_id: convId, prompt})
  expect(answer.status).toBe(200)
  await waitIdle(server, convId)
  await server.store.flush()
}

describe('conversations outlive the process (SQLite store)', () => {
  it('lists, resumes by after_seq exactly and continues with the earlier context after a restart', async () => {
    const path = join(dir, 'conversations.db')
    const first = await start(path)
    await runToEnd(first, 'conv-a', 'first question')
    await runToEnd(first, 'conv-b', 'what is 2+3? /tool')
    const watcher = await TestClient.connect(first, {conv_id: 'conv-a', after_seq: '0'})
    clients.push(watcher)
    await watcher.waitFor(() => watcher.sem.some((f) => f.type === 'llm.final'), 'the replayed answer')
    const before = watcher.sem.map((f) => JSON.stringify(f))
    await first.close()
    servers.splice(servers.indexOf(first), 1)

    const second = await start(path)
    const list = await getJson(second, '/api/conversations')
    expect(list.status).toBe(200)
    const ids = (list.body.conversations as {conv_id: string; title: string; live: boolean}[]).map((c) => [c.conv_id, c.title, c.live])
    expect(ids).toEqual([
      ['conv-b', 'what is 2+3? /tool', false],
      ['conv-a', 'first question', false],
    ])
    const detail = await getJson(second, '/api/conversations/conv-a')
    expect(detail.status).toBe(200)
    expect(detail.body).toMatchObject({conv_id: 'conv-a', live: false, runs: [{status: 'completed'}]})

    // Resume from every point of the stored log: exactly the frames after it, once.
    for (const after of [0, 1, Math.floor(before.length / 2), before.length - 1]) {
      const client = await TestClient.connect(second, {conv_id: 'conv-a', after_seq: String(after)})
      clients.push(client)
      await client.waitFor(() => client.sem.length >= before.length - after, `frames after ${after}`)
      expect(client.sem.map((f) => JSON.stringify(f))).toEqual(before.slice(after))
      expect(client.control.find((c) => c.type === 'ws.replay')).toMatchObject({after_seq: after, truncated: false})
    }
    // A cursor beyond the stored log: the client is told to start over.
    const ahead = await TestClient.connect(second, {conv_id: 'conv-a', after_seq: String(before.length + 50)})
    clients.push(ahead)
    await ahead.waitFor(() => ahead.control.some((c) => c.type === 'ws.replay'), 'ws.replay')
    expect(ahead.control.find((c) => c.type === 'ws.replay')).toMatchObject({reset: true})

    // The next prompt continues from the stored snapshot, and the log from the stored seq.
    const live = await TestClient.connect(second, {conv_id: 'conv-a', after_seq: String(before.length)})
    clients.push(live)
    await runToEnd(second, 'conv-a', 'second question')
    await live.waitFor(() => live.sem.some((f) => f.type === 'llm.final'), 'the second answer')
    expect(live.sem[0]!.seq).toBe(before.length + 1)
    const snapshot = await getJson(second, '/api/conversations/conv-a/snapshot')
    const userTexts = (snapshot.body.turn.blocks as {kind: string; payload: {text?: string}}[])
      .filter((b) => b.kind === 'user')
      .map((b) => b.payload.text)
    expect(userTexts).toEqual(['first question', 'second question'])
  })

  it('renames and deletes stored conversations', async () => {
    const server = await start(join(dir, 'c.db'))
    await runToEnd(server, 'conv-r', 'hello there')
    const renamed = await fetch(new URL('/api/conversations/conv-r', server.url), {
      method: 'PATCH',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({title: 'Greeting'}),
    })
    expect(renamed.status).toBe(200)
    expect((await getJson(server, '/api/conversations')).body.conversations[0]).toMatchObject({conv_id: 'conv-r', title: 'Greeting'})
    const bad = await fetch(new URL('/api/conversations/conv-r', server.url), {
      method: 'PATCH',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({title: ''}),
    })
    expect(bad.status).toBe(422)
    expect(await bad.json()).toMatchObject({code: 'invalid_request', field: 'title'})
    const deleted = await fetch(new URL('/api/conversations/conv-r', server.url), {method: 'DELETE'})
    expect(deleted.status).toBe(200)
    expect((await getJson(server, '/api/conversations')).body.conversations).toEqual([])
    const gone = await fetch(new URL('/api/conversations/conv-r', server.url), {method: 'DELETE'})
    expect(gone.status).toBe(404)
    expect(await gone.json()).toMatchObject({code: 'unknown_conversation'})
  })
})
