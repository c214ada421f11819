import {mkdtempSync, writeFileSync} from 'node:fs'
import type {Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import WebSocket from 'ws'
import {loadEngineBuilder} from '../../../src/engine/index.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import {postJson, startServerForTest, startTestServer, TestClient, waitIdle} from './harness.js'
import {rng as mulberry32} from '../../seeded-rng.js'

let server: RunningServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.close()
})

/**
 * A client that drops its connection at the given seqs (abruptly or with a close frame) and
 * reconnects at once with `after_seq` = the last seq it kept.
 */
class FlakyClient {
  readonly kept: string[] = []
  last = 0
  reconnects = 0
  error: string | undefined
  private ws: WebSocket | undefined
  private stopped = false

  constructor(
    private readonly server: RunningServer,
    private readonly convId: string,
    private readonly dropAt: Set<number>,
    private readonly rand: () => number,
  ) {}

  async connect(): Promise<void> {
    const url = `${this.server.url.replace('http', 'ws')}ws?conv_id=${this.convId}&after_seq=${this.last}`
    const ws = new WebSocket(url)
    this.ws = ws
    let live = true
    ws.on('message', (data) => {
      if (!live) return
      const parsed = JSON.parse(data.toString()) as {sem?: boolean; event?: {type: string; seq: number}}
      if (!parsed.sem || parsed.event!.type.startsWith('ws.')) return
      const seq = parsed.event!.seq
      if (seq !== this.last + 1) {
        this.error ??= `gap or duplicate: got seq ${seq} after ${this.last}`
        return
      }
      this.kept.push(data.toString())
      this.last = seq
      if (this.dropAt.has(seq) && !this.stopped) {
        live = false
        this.dropAt.delete(seq)
        if (this.rand() < 0.5) ws.terminate()
        else ws.close()
        this.reconnects++
        // Sometimes at once, sometimes after a few frames went by without us.
        setTimeout(() => void this.connect(), this.rand() < 0.5 ? 0 : this.rand() * 40)
      }
    })
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.ws?.terminate()
  }
}

describe('after_seq replay', () => {
  it('a client that disconnects at many random points gets every frame exactly once, in order', async () => {
    const seed = Date.now() % 100_000
    const rand = mulberry32(seed)
    const convId = `flaky-${seed}`
    const reference = await TestClient.connect(server, {conv_id: convId})
    // Four runs of about 40 frames each; drop at 25 random seqs in that range.
    const dropAt = new Set<number>()
    while (dropAt.size < 25) dropAt.add(1 + Math.floor(rand() * 120))
    const flaky = new FlakyClient(server, convId, dropAt, rand)
    await flaky.connect()
    for (const prompt of ['first /tools', 'second /think', 'third /tools', 'fourth /tool']) {
      expect((await postJson(server, '/chat/paced', {prompt, conv_id: convId})).status).toBe(200)
      await waitIdle(server, convId)
    }
    const total = server.manager.get(convId)!.lastSeq
    expect(total, `seed ${seed}`).toBeGreaterThan(120)
    await reference.waitFor(() => reference.lastSeq === total, 'reference to catch up')
    await new Promise<void>((resolve, reject) => {
      const until = Date.now() + 10_000
      const poll = () =>
        flaky.last === total || flaky.error
          ? resolve()
          : Date.now() > until
            ? reject(new Error(`flaky client stuck at ${flaky.last}/${total}, seed ${seed}`))
            : setTimeout(poll, 10)
      poll()
    })
    expect(flaky.error, `seed ${seed}`).toBeUndefined()
    expect(flaky.reconnects, `seed ${seed}`).toBeGreaterThanOrEqual(20)
    expect(flaky.kept, `seed ${seed}`).toEqual(reference.raw.filter((r) => !r.startsWith('{"sem":true,"event":{"type":"ws.')))
    await flaky.stop()
    await reference.close()
  })

  it('replays what the log holds and says so when after_seq is older than that', async () => {
    const small = await startTestServer({limits: {frameLogCapacity: 10}})
    try {
      await postJson(small, '/chat', {prompt: 'hello there', conv_id: 'trunc-1'})
      await waitIdle(small, 'trunc-1')
      const last = small.manager.get('trunc-1')!.lastSeq
      expect(last).toBeGreaterThan(20)
      const late = await TestClient.connect(small, {conv_id: 'trunc-1', after_seq: '3'})
      await late.waitFor(() => late.sem.length === 10, 'the ten frames the log holds')
      expect(late.control.map((c) => c.type)).toEqual(['ws.hello', 'ws.replay'])
      expect(late.control[1]).toMatchObject({after_seq: 3, from_seq: last - 9, to_seq: last, truncated: true, missing: last - 10 - 3})
      expect(late.sem.map((f) => f.seq)).toEqual(Array.from({length: 10}, (_, i) => last - 9 + i))
      const upToDate = await TestClient.connect(small, {conv_id: 'trunc-1', after_seq: String(last)})
      await upToDate.waitFor(() => upToDate.control.length === 2, 'replay notice')
      expect(upToDate.control[1]).toMatchObject({truncated: false, from_seq: last + 1, to_seq: last})
      expect(upToDate.sem).toHaveLength(0)
      const ahead = await TestClient.connect(small, {conv_id: 'trunc-1', after_seq: String(last + 50)})
      await ahead.waitFor(() => ahead.control.length === 2, 'reset notice')
      expect(ahead.control[1]).toMatchObject({reset: true, truncated: false})
      await ahead.close()
      await late.close()
      await upToDate.close()
    } finally {
      await small.close()
    }
  })
})

describe('slow clients', () => {
  it('a paused client does not delay a fast one', async () => {
    const fast = await TestClient.connect(server, {conv_id: 'slow-1'})
    const slow = await TestClient.connect(server, {conv_id: 'slow-1'})
    const socket = (slow.ws as unknown as {_socket: Socket})._socket
    socket.pause()
    await postJson(server, '/chat', {prompt: 'go /tools', conv_id: 'slow-1'})
    await fast.waitForType('llm.final', 2)
    // The fast client has the whole run while the slow one has received nothing yet.
    expect(slow.sem).toHaveLength(0)
    expect(fast.sem.map((f) => f.seq)).toEqual(fast.sem.map((_, i) => i + 1))
    socket.resume()
    await slow.waitFor(() => slow.lastSeq === fast.lastSeq, 'slow client to catch up')
    await fast.close()
    await slow.close()
  })

  it('drops a client whose queued bytes pass the cap; it can resume with after_seq', async () => {
    const capped = await startTestServer({limits: {maxBufferedBytes: 512 * 1024}})
    try {
      const slow = await TestClient.connect(capped, {conv_id: 'cap-1'})
      const fast = await TestClient.connect(capped, {conv_id: 'cap-1'})
      const socket = (slow.ws as unknown as {_socket: Socket})._socket
      socket.pause()
      // A long quoted answer (llm.delta carries the cumulative text): megabytes, more than the
      // kernel buffers hold, so the paused socket's send queue passes the cap.
      for (let i = 0; i < 3; i++) {
        await postJson(capped, '/chat/trickle', {prompt: `${'long prompt words '.repeat(600)}`, conv_id: 'cap-1'})
        await waitIdle(capped, 'cap-1')
        if (capped.manager.get('cap-1')!.audience.size === 1) break
      }
      expect(capped.manager.get('cap-1')!.audience.size).toBe(1)
      await fast.waitFor(() => fast.lastSeq === capped.manager.get('cap-1')!.lastSeq, 'fast client gets all')
      socket.resume()
      await slow.waitFor(() => slow.closeCode !== undefined, 'slow client to see its socket closed')
      const resumed = await TestClient.connect(capped, {conv_id: 'cap-1', after_seq: String(slow.lastSeq)})
      await resumed.waitFor(() => resumed.lastSeq === fast.lastSeq, 'resume to catch up')
      await fast.close()
      await resumed.close()
    } finally {
      await capped.close()
    }
  })
})

describe('profile file changes', () => {
  it('rebuilds a conversation on its next request after the builder is reloaded, with a diff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiminy-cfg-'))
    const path = join(dir, 'jiminy.yaml')
    writeFileSync(path, 'profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    system_prompt: one\n')
    const fromFile = await startServerForTest({configPath: path})
    try {
      const client = await TestClient.connect(fromFile, {conv_id: 'file-1'})
      await postJson(fromFile, '/chat', {prompt: 'hi', conv_id: 'file-1'})
      await waitIdle(fromFile, 'file-1')
      writeFileSync(path, 'profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    system_prompt: two\n')
      fromFile.manager.setBuilder(await loadEngineBuilder({configPath: path}))
      const again = await postJson(fromFile, '/chat', {prompt: 'hi again', conv_id: 'file-1'})
      expect(again.body.rebuilt).toBe(true)
      await client.waitForType('conversation.rebuilt')
      const record = client.sem.find((f) => f.type === 'conversation.rebuilt')!.record as {diff: {system_prompt?: unknown}}
      expect(record.diff.system_prompt).toEqual({__old: 'one', __new: 'two'})
      await waitIdle(fromFile, 'file-1')
      await client.close()
    } finally {
      await fromFile.close()
    }
  })
})
