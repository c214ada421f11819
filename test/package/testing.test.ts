import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {recordTo, replayFixture} from '../../src/index.js'
import {connectSem, expectFixtureToReplay, FixtureReplayError, startTestServer, type TestServer} from '../../src/testing/index.js'

const root = resolve(import.meta.dirname, '../..')
let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

describe('jiminy-harness/testing', () => {
  it('startTestServer listens on a free 127.0.0.1 port with the mock engine', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(server.url).not.toContain(':8787/')
    const profiles = await fetch(new URL('api/chat/profiles', server.url))
    expect(profiles.status).toBe(200)
    expect(JSON.stringify(await profiles.json())).toContain('"type":"mock"')
    expect(server.server.bus.kind).toBe('memory')
  })

  it('connectSem collects a run streamed over SEM, and resumes from its last seq without repeats', async () => {
    const sem = await connectSem(server.url, 'conv-testing-1')
    await sem.waitFor('ws.hello')
    const run = await server.runToEnd('what is 2+3? /tool', {convId: 'conv-testing-1'})
    expect(run.inferenceId).toMatch(/\S/)
    await sem.waitForSeq(run.lastSeq)
    expect(sem.lastSeq).toBe(run.lastSeq)
    expect(sem.events('tool.result').length).toBe(1)
    expect(sem.events('llm.final').at(-1)?.text).toContain('2+3 = 5')
    const seqs = sem.frames.flatMap((e) => (typeof e.seq === 'number' ? [e.seq] : []))
    expect(seqs).toEqual(seqs.map((_, i) => i + 1))

    const before = sem.lastSeq
    await sem.close()
    const second = await server.runToEnd('hello again', {convId: 'conv-testing-1'})
    await sem.reconnect()
    await sem.waitForSeq(second.lastSeq)
    expect(sem.events('ws.replay')).toHaveLength(1)
    expect(sem.events('user.message').map((e) => e.text)).toEqual(['what is 2+3? /tool', 'hello again'])
    const after = sem.frames.flatMap((e) => (typeof e.seq === 'number' ? [e.seq] : []))
    expect(after).toEqual(after.map((_, i) => i + 1))
    expect(sem.lastSeq).toBeGreaterThan(before)
    await sem.close()
  })

  it('waitFor rejects with the frame types seen when nothing matches in time', async () => {
    const sem = await connectSem(server.url, 'conv-testing-2')
    await expect(sem.waitFor('never.sent', {timeoutMs: 200})).rejects.toThrow(/timed out after 200 ms waiting for never.sent; got ws.hello/)
    await sem.close()
  })

  it('expectFixtureToReplay resolves for a shipped fixture and throws the report for a broken one', async () => {
    const report = await expectFixtureToReplay(join(root, 'fixtures/plain-text.jsonl'))
    expect(report.status).toBe('passed')
    const broken = join(root, 'test/fixtures/broken/seq-start.jsonl')
    const error = await expectFixtureToReplay(broken).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FixtureReplayError)
    expect((error as Error).message).toContain(`FAIL ${broken}`)
    expect((error as Error).message).toContain('[seq-start]')
  })

  it('recordTo writes a conversation from a bus as a fixture that replays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jiminy-record-to-'))
    try {
      const recorder = await recordTo(server.server.bus, 'conv-rec', dir)
      const run = await server.runToEnd('hi /think', {convId: 'conv-rec'})
      await recorder.close()
      const path = recorder.path()!
      expect(path).toBe(join(dir, 'conv-rec.jsonl'))
      expect((await readFile(path, 'utf8')).split('\n').filter(Boolean).length).toBeGreaterThan(3)
      const report = await replayFixture(path)
      expect(report.violations).toEqual([])
      expect(report.frames).toBe(run.lastSeq)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
