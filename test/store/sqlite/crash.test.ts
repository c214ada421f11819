import {once} from 'node:events'
import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {SqliteConversationStore} from '../../../src/store/index.js'
import {startChild} from './child-process.js'
import {tempStoreDir} from './temp-store.js'

const tmp = tempStoreDir('crash')

describe('kill -9 of a process writing frames', () => {
  it('leaves a file that opens, checks clean, holds a gap-free prefix and marks the run interrupted', async () => {
    const file = tmp.file()
    let committed = 0
    const writer = await startChild('writer', file, (line) => {
      const match = /^committed (\d+)$/.exec(line)
      if (match) committed = Number(match[1])
      return committed >= 2_000
    })
    // Keep reading what it reports up to the kill, so `committed` is the last durable count we saw.
    writer.stdout.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString().matchAll(/committed (\d+)/g)) committed = Math.max(committed, Number(match[1]))
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    writer.kill('SIGKILL')
    const [, signal] = (await once(writer, 'exit')) as [number | null, string | null]
    expect(signal).toBe('SIGKILL')

    const raw = new Database(file)
    expect(raw.pragma('integrity_check', {simple: true})).toBe('ok')
    raw.close()

    const store = SqliteConversationStore.open(file)
    const frames = await store.framesAfter('conv_crash', 0)
    // Everything the writer saw committed is there, and nothing it never appended.
    expect(frames.length).toBeGreaterThanOrEqual(committed)
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_f, i) => i + 1))
    for (const f of frames) expect(JSON.parse(f.json)).toMatchObject({sem: true, event: {type: 'llm.delta', seq: f.seq}})
    expect(await store.get('conv_crash')).toMatchObject({title: 'crash test', frame_count: frames.length, last_seq: frames.length})

    const lastText = `answer through delta ${frames.length}`
    expect(store.recovered).toEqual([
      expect.objectContaining({conv_id: 'conv_crash', inference_id: 'inf_crash', status: 'interrupted', partial_text: lastText}),
    ])
    expect(await store.runs('conv_crash')).toMatchObject([{inference_id: 'inf_crash', status: 'interrupted', partial_text: lastText}])
    // The log goes on from where it stopped.
    expect(await store.lastSeq('conv_crash')).toBe(frames.length)
    await store.close()
  })
})
