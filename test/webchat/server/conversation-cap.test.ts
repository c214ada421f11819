import {afterEach, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {postJson, startTestServer, TestClient, waitIdle} from './harness.js'

let server: RunningServer | undefined
const clients: TestClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close()
  await server?.close()
  server = undefined
})

async function join(convId: string): Promise<TestClient> {
  const client = await TestClient.connect(server!, {conv_id: convId})
  clients.push(client)
  await client.waitFor(() => client.control.length > 0, `first control frame of ${convId}`)
  return client
}

describe('live conversation cap (join flood)', () => {
  it('evicts the least recently active idle conversation, and refuses joins only when every one is in use', async () => {
    server = await startTestServer({limits: {maxConversations: 3}})
    for (const id of ['c1', 'c2', 'c3']) {
      expect((await postJson(server, '/chat', {conv_id: id, prompt: `hi ${id}`})).status).toBe(200)
      await waitIdle(server, id)
    }
    // A fourth conversation evicts the oldest idle one (c1), whose history the store keeps.
    await join('c4')
    expect(
      server.manager
        .list()
        .map((c) => c.id)
        .sort(),
    ).toEqual(['c2', 'c3', 'c4'])
    // Fill the cap with watched conversations: a further join is refused, the others keep streaming.
    const watched = [clients[0]!, await join('c2'), await join('c3')]
    const refused = await join('flood-1')
    expect(refused.control[0]).toMatchObject({type: 'ws.error', code: 'too_many_conversations'})
    const post = await postJson(server, '/chat', {conv_id: 'flood-2', prompt: 'x'})
    expect(post.status).toBe(503)
    expect(post.body).toMatchObject({code: 'too_many_conversations'})
    expect((await postJson(server, '/chat', {conv_id: 'c3', prompt: 'still here?'})).status).toBe(200)
    await watched[2]!.waitFor(() => watched[2]!.sem.some((f) => f.type === 'llm.final'), 'c3 keeps streaming')
    // The evicted conversation comes back from the store with its log.
    await watched[0]!.close()
    const back = await TestClient.connect(server, {conv_id: 'c1', after_seq: '0'})
    clients.push(back)
    await back.waitFor(() => back.sem.some((f) => f.type === 'llm.final'), 'c1 history replayed')
  })
})
