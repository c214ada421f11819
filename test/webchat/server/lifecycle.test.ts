import {describe, expect, it} from 'vitest'
import {getJson, postJson, startTestServer, TestClient, waitIdle} from './harness.js'

describe('conversation lifecycle', () => {
  it('evicts a conversation with no socket and no run after idle_timeout, but not one being watched', async () => {
    const server = await startTestServer({limits: {idleTimeoutMs: 60}})
    try {
      const watcher = await TestClient.connect(server, {conv_id: 'watched'})
      await postJson(server, '/chat', {prompt: 'hi', conv_id: 'alone'})
      await postJson(server, '/chat', {prompt: 'hi', conv_id: 'watched'})
      await waitIdle(server, 'alone')
      await waitIdle(server, 'watched')
      await new Promise((r) => setTimeout(r, 250))
      // Evicted: gone from memory (the store still lists it, not live).
      expect(server.manager.get('alone')).toBeUndefined()
      expect((await getJson(server, '/api/conversations/alone')).body).toMatchObject({live: false})
      expect((await getJson(server, '/api/conversations/watched')).status).toBe(200)
      await watcher.close()
      await new Promise((r) => setTimeout(r, 250))
      expect(server.manager.get('watched')).toBeUndefined()
      expect((await getJson(server, '/api/conversations/watched')).body).toMatchObject({live: false})
      // An evicted conversation comes back from the store on its next prompt.
      expect((await postJson(server, '/chat', {prompt: 'back', conv_id: 'alone'})).status).toBe(200)
      await waitIdle(server, 'alone')
    } finally {
      await server.close()
    }
  })

  it('does not evict while a run is going', async () => {
    const server = await startTestServer({limits: {idleTimeoutMs: 20}})
    try {
      await postJson(server, '/chat/paced', {prompt: 'a fairly long answer please', conv_id: 'busy'})
      await new Promise((r) => setTimeout(r, 150))
      expect((await getJson(server, '/api/conversations/busy')).body.running).toBe(true)
      await waitIdle(server, 'busy')
    } finally {
      await server.close()
    }
  })

  it('close() cancels runs, delivers run.cancelled, then closes sockets with 1001', async () => {
    const server = await startTestServer()
    const client = await TestClient.connect(server, {conv_id: 'bye'})
    await postJson(server, '/chat/paced', {prompt: 'keep talking', conv_id: 'bye'})
    await client.waitForType('llm.delta', 2)
    await server.close()
    await client.waitFor(() => client.closeCode !== undefined, 'close')
    expect(client.closeCode).toBe(1001)
    expect(client.sem.slice(-2).map((f) => f.type)).toEqual(['run.cancelled', 'run.finished'])
    await expect(fetch(server.url)).rejects.toThrow()
    await server.close()
  })
})
