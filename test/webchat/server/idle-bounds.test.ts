import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {recordingPathsOf} from '../../../src/fixtures/recording-format.js'
import {SEAL_LINES} from '../../../src/fixtures/recording-tape.js'
import type {RunningServer} from '../../../src/webchat/index.js'
import type {LiveConversation as Conversation} from '../../../src/webchat/index.js'
import {startTestServer} from './harness.js'

let server: RunningServer
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-idle-bounds-'))
  server = await startTestServer({record: {dir: join(dir, 'record'), saveDir: join(dir, 'saved')}})
})

afterAll(async () => {
  await server?.close()
  if (dir) await rm(dir, {recursive: true, force: true})
})

/** Runs a prompt and waits until the coordinator consumed the run's end (the run's events are then packed). */
async function runToEnd(convId: string, prompt: string): Promise<Conversation> {
  const {conversation, handle} = await server.manager.startRun(convId, 'default', {}, prompt)
  expect((await handle.wait()).status).toBe('completed')
  await conversation.flush()
  await expect.poll(() => conversation.runEvents.eventsOf(handle.inferenceId)?.some(({event}) => event.type === 'run-finished')).toBe(true)
  return conversation
}

describe('an idle conversation after its runs ended', () => {
  it('holds its run events and tape packed, its frames once (log and store share each entry), within their bounds', async () => {
    let conversation = await runToEnd('idle-1', 'what is 2+3? /tool')
    conversation = await runToEnd('idle-1', 'and now say something longer')
    const inferenceId = conversation.timelines.at(-1)!.inference_id

    // The latest run's events: all there, packed to a fraction of their JSON.
    const events = conversation.runEvents.eventsOf(inferenceId)!
    expect(conversation.runEvents.held.events).toBe(events.length)
    expect(conversation.runEvents.held.packedBytes).toBeGreaterThan(0)
    expect(conversation.runEvents.held.packedBytes * 3).toBeLessThan(JSON.stringify(events).length)

    // The tape: every line, in a few packed chunks, retaining a fraction of the text it counts.
    const tape = server.recording.tapeHeld('idle-1')!
    const {lines} = server.recording.fixtureText('idle-1')
    expect(tape.lines).toBe(lines)
    expect(tape.strings).toBeLessThanOrEqual(Math.ceil(lines / SEAL_LINES) + 2)
    expect(tape.retained * 3).toBeLessThan(server.recording.tapeBytes('idle-1'))

    // The FrameLog keeps text, not parsed frames, and the memory store keeps the very same entries.
    const log = conversation.frames.log!
    const logged = log.since(0).frames
    expect(logged.length).toBe(conversation.lastSeq)
    expect(logged.every((f) => Object.keys(f).every((k) => ['seq', 'type', 'json', 'stream_id'].includes(k)))).toBe(true)
    expect(log.byteSize).toBe(logged.reduce((n, f) => n + f.json.length, 0))
    expect(log.byteSize).toBeLessThanOrEqual(log.maxBytes)
    const stored = await server.store.framesAfter('idle-1', 0)
    expect(stored.length).toBe(logged.length)
    expect(stored.every((row, i) => row === logged[i])).toBe(true)
  })

  it('Save as fixture after the compaction writes the lines exactly as they were consumed (the record file) and the same golden frames', async () => {
    await runToEnd('idle-2', 'what is 2+3? /tool')
    await runToEnd('idle-2', 'and again')
    const saved = await server.recording.save('idle-2')
    const recorded = server.recording.recordingPath('idle-2')!
    const savedText = await readFile(saved.path, 'utf8')
    await server.close()
    expect(savedText).toBe(await readFile(recorded, 'utf8'))
    expect(saved.golden).not.toBeNull()
    expect(await readFile(saved.golden!, 'utf8')).toBe(await readFile(recordingPathsOf(recorded).golden, 'utf8'))
  })
})
