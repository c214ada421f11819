import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {newTurn, userBlock} from '../../../src/core/index.js'
import {GROUP_COMMIT_DEFAULTS, SqliteConversationStore, type StoreWarning} from '../../../src/store/index.js'
import {conversationStoreContract, deltaFrame, frame} from '../contract.js'
import {eventually, tempStoreDir} from './temp-store.js'

const tmp = tempStoreDir('sqlite')

conversationStoreContract('SqliteConversationStore', (options) => SqliteConversationStore.open(tmp.file(), options))

describe('SqliteConversationStore', () => {
  it('keeps everything across a close and reopen', async () => {
    const file = tmp.file()
    const first = SqliteConversationStore.open(file)
    await first.upsertConversation({id: 'c', profile: 'p', signature: 's', config: {a: 1}, title: 'hello'})
    first.appendFrames('c', [frame(1), frame(2)])
    await first.saveSnapshot('c', newTurn([userBlock('hello')]))
    await first.runStarted('c', 'inf_1', 10)
    await first.runEnded('c', 'inf_1', {status: 'completed', ended_at: 20})
    await first.close()

    const second = SqliteConversationStore.open(file)
    expect(await second.list()).toMatchObject([{id: 'c', title: 'hello', frame_count: 2, last_seq: 2}])
    expect(await second.framesAfter('c', 1)).toEqual([frame(2)])
    expect((await second.loadSnapshot('c'))?.blocks[0]?.payload).toEqual({text: 'hello'})
    expect(await second.runs('c')).toEqual([{inference_id: 'inf_1', status: 'completed', started_at: 10, ended_at: 20}])
    expect(second.recovered).toEqual([])
    await second.close()
  })

  it('marks a run left running by the previous process as interrupted when it opens', async () => {
    const file = tmp.file()
    const first = SqliteConversationStore.open(file)
    await first.runStarted('c', 'inf_1')
    first.appendFrames('c', [deltaFrame(1, 'inf_1', 'Hal'), deltaFrame(2, 'inf_1', 'Half an ans')])
    await first.flush()
    await first.close()
    // What a kill -9 leaves behind (the crash test does it for real): the run row still says running.
    const db = new Database(file)
    db.prepare(`UPDATE runs SET status = 'running', ended_at = NULL`).run()
    db.close()

    const second = SqliteConversationStore.open(file)
    expect(second.recovered).toMatchObject([{conv_id: 'c', inference_id: 'inf_1', status: 'interrupted', partial_text: 'Half an ans'}])
    expect((await second.runs('c'))[0]).toMatchObject({status: 'interrupted', partial_text: 'Half an ans'})
    await second.close()
  })

  it('returns from appendFrames before writing and commits many appends in few transactions', async () => {
    const store = SqliteConversationStore.open(tmp.file())
    for (let seq = 1; seq <= 1_000; seq++) store.appendFrames('c', [frame(seq)])
    expect(store.stats()).toMatchObject({frames_pending: 1_000, frames_written: 0, batches: 0})
    await eventually(() => store.stats().frames_pending === 0)
    const stats = store.stats()
    expect(stats.frames_written).toBe(1_000)
    expect(stats.batches).toBeLessThanOrEqual(Math.ceil(1_000 / GROUP_COMMIT_DEFAULTS.batchFrames))
    expect(stats.bytes_written).toBe([...Array(1_000).keys()].reduce((sum, i) => sum + frame(i + 1).json.length, 0))
    await store.close()
  })

  it('commits a lone frame on its own after the flush delay', async () => {
    const store = SqliteConversationStore.open(tmp.file(), {flushDelayMs: 5})
    store.appendFrames('c', [frame(1)])
    expect(store.stats().frames_written).toBe(0)
    await eventually(() => store.stats().frames_written === 1)
    expect(store.stats().batches).toBe(1)
    await store.close()
  })

  it('survives a full disk: warns once, keeps accepting appends, holds frames bounded, recovers', async () => {
    const warnings: StoreWarning[] = []
    const store = SqliteConversationStore.open(tmp.file(), {
      maxBytes: 256 * 1024,
      maxPendingFrames: 300,
      retryDelayMs: 60_000,
      onWarning: (w) => warnings.push(w),
    })
    const big = (seq: number) => frame(seq, 'log', {pad: 'x'.repeat(2_000)})
    let seq = 0
    // Fill the file until a commit fails, then go on appending as a run would.
    while (store.stats().write_errors === 0 && seq < 10_000) {
      for (let i = 0; i < 50; i++) store.appendFrames('big', [big(++seq)])
      await store.flush()
    }
    expect(store.stats().write_errors).toBeGreaterThan(0)
    for (let i = 0; i < 500; i++) expect(() => store.appendFrames('big', [big(++seq)])).not.toThrow()
    await store.flush()
    await store.flush()
    expect(warnings.filter((w) => w.code === 'store_write_failed')).toHaveLength(1)
    expect(warnings.filter((w) => w.code === 'store_frames_dropped')).toHaveLength(1)
    expect(warnings[0]?.message).toContain(store.location)
    expect(store.stats().frames_pending).toBe(300)
    expect(store.stats().frames_dropped).toBeGreaterThan(0)
    // Held frames stay readable, the newest kept.
    expect(await store.lastSeq('big')).toBe(seq)

    // Space comes back (the big conversation is deleted): the next commit goes through.
    expect(await store.delete('big')).toBe(true)
    store.appendFrames('small', [frame(1)])
    await store.flush()
    expect(warnings.at(-1)?.code).toBe('store_write_recovered')
    expect(await store.framesAfter('small', 0)).toEqual([frame(1)])
    await store.close()
  })

  it('says how many frames a close on a full disk loses', async () => {
    const warnings: StoreWarning[] = []
    const store = SqliteConversationStore.open(tmp.file(), {maxBytes: 64 * 1024, retryDelayMs: 60_000, onWarning: (w) => warnings.push(w)})
    for (let seq = 1; seq <= 200; seq++) store.appendFrames('c', [frame(seq, 'log', {pad: 'y'.repeat(2_000)})])
    await store.flush()
    const held = store.stats().frames_pending
    expect(held).toBeGreaterThan(0)
    await store.close()
    expect(warnings.map((w) => w.code)).toEqual(['store_write_failed', 'store_frames_dropped'])
    expect(warnings[1]!.message).toContain(`${held} frames`)
    expect(store.stats().frames_dropped).toBe(held)
  })
})
