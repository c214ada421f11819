import {describe, expect, it} from 'vitest'
import {GROUP_COMMIT_DEFAULTS, SqliteConversationStore, type SqliteStoreOptions, type StoreWarning} from '../../../src/store/index.js'
import {frame} from '../contract.js'
import {eventually, tempStoreDir} from './temp-store.js'

const tmp = tempStoreDir('writer')

describe('group commit (FrameWriter)', () => {
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

  it('keeps the defaults for options passed as undefined', async () => {
    // What a JavaScript caller, or a spread of unset config values, hands over.
    const unset = {flushDelayMs: undefined, batchFrames: undefined} as unknown as SqliteStoreOptions
    const store = SqliteConversationStore.open(tmp.file(), unset)
    store.appendFrames('c', [frame(1)])
    await eventually(() => store.stats().frames_written === 1)
    await store.close()
  })
})

describe('a full disk (FrameWriter)', () => {
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
