// The one behaviour both ConversationStore implementations must show. Each implementation's test
// file calls conversationStoreContract with a factory for a fresh, empty store.
import {afterEach, describe, expect, it} from 'vitest'
import {assistantTextBlock, newTurn, userBlock} from '../../src/core/index.js'
import type {ConversationStore, StoredFrame, StoreOptions} from '../../src/store/index.js'

export type StoreFactory = (options?: StoreOptions) => Promise<ConversationStore> | ConversationStore

export function deltaFrame(seq: number, inferenceId: string, cumulative: string): StoredFrame {
  const event = {type: 'llm.delta', id: 'msg_1', inference_id: inferenceId, delta: 'x', cumulative, seq}
  return {seq, type: 'llm.delta', json: JSON.stringify({sem: true, event})}
}

export function frame(seq: number, type = 'log', extra: Record<string, unknown> = {}): StoredFrame {
  return {seq, type, json: JSON.stringify({sem: true, event: {type, id: `f${seq}`, seq, ...extra}})}
}

const input = (id: string, now: number, title?: string) => ({
  id,
  profile: 'default',
  signature: 'abc123',
  config: {profile: 'default', b: 2, a: 1},
  now,
  ...(title !== undefined ? {title} : {}),
})

export function conversationStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`${name}: ConversationStore contract`, () => {
    const opened: ConversationStore[] = []
    const open = async (options?: StoreOptions) => {
      const store = await makeStore(options)
      opened.push(store)
      return store
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close()
    })

    it('lists conversations newest activity first, with title, last activity and frame count', async () => {
      const store = await open()
      await store.upsertConversation(input('old', 1_000, 'first question'))
      await store.upsertConversation(input('new', 2_000, 'second question'))
      expect((await store.list()).map((c) => c.id)).toEqual(['new', 'old'])
      // Frames are activity: they move the older conversation to the top.
      store.appendFrames('old', [frame(1), frame(2), frame(3)])
      const list = await store.list()
      expect(list.map((c) => c.id)).toEqual(['old', 'new'])
      expect(list[0]).toMatchObject({title: 'first question', profile: 'default', frame_count: 3, last_seq: 3})
      expect(list[0]!.updated_at).toBeGreaterThan(2_000)
      expect(list[1]).toMatchObject({title: 'second question', frame_count: 0, last_seq: 0, updated_at: 2_000})
    })

    it('keeps the first prompt as title, lets a rename win, and updates profile, signature and config', async () => {
      const store = await open()
      await store.upsertConversation(input('c', 1_000))
      expect((await store.get('c'))?.title).toBe('')
      await store.upsertConversation(input('c', 1_001, 'what is 2+2?'))
      await store.upsertConversation(input('c', 1_002, 'a later prompt'))
      expect((await store.get('c'))?.title).toBe('what is 2+2?')
      expect(await store.rename('c', 'Arithmetic')).toBe(true)
      await store.upsertConversation({...input('c', 1_003, 'yet another'), profile: 'fast', signature: 'def456', config: {x: [1]}})
      const record = await store.get('c')
      expect(record).toMatchObject({
        id: 'c',
        title: 'Arithmetic',
        profile: 'fast',
        signature: 'def456',
        config: {x: [1]},
        created_at: 1_000,
      })
      expect(await store.rename('missing', 'x')).toBe(false)
      expect(await store.get('missing')).toBeUndefined()
    })

    it('stores the config as canonical JSON and hands back a copy', async () => {
      const store = await open()
      const config = {z: 1, a: {d: 2, c: 3}}
      await store.upsertConversation({...input('c', 1), config})
      const record = await store.get('c')
      expect(Object.keys(record!.config as object)).toEqual(['a', 'z'])
      expect(record!.config).toEqual(config)
      expect(record!.config).not.toBe(config)
    })

    it('returns appended frames byte for byte, in order, after a seq, with a limit', async () => {
      const store = await open()
      const frames = [frame(1), {...frame(2, 'llm.start'), stream_id: '1700000000000-0'}, frame(3, 'log', {text: 'é ✓ "q"'})]
      store.appendFrames('c', frames)
      store.appendFrames('c', [frame(4), frame(5)])
      expect(await store.lastSeq('c')).toBe(5)
      expect(await store.framesAfter('c', 0)).toEqual([...frames, frame(4), frame(5)])
      expect(await store.framesAfter('c', 2)).toEqual([frames[2], frame(4), frame(5)])
      expect(await store.framesAfter('c', 1, 2)).toEqual([frames[1], frames[2]])
      expect(await store.framesAfter('c', 3, Infinity)).toEqual([frame(4), frame(5)])
      expect(await store.framesAfter('c', 0, 0)).toEqual([])
      expect(await store.framesAfter('c', 5)).toEqual([])
      expect(await store.framesAfter('nobody', 0)).toEqual([])
      expect(await store.lastSeq('nobody')).toBe(0)
      expect((await store.get('c'))?.frame_count).toBe(5)
    })

    it('ignores a frame whose seq is already stored', async () => {
      const store = await open()
      store.appendFrames('c', [frame(1), frame(2)])
      await store.flush()
      store.appendFrames('c', [frame(2, 'other'), frame(3)])
      const frames = await store.framesAfter('c', 0)
      expect(frames.map((f) => [f.seq, f.type])).toEqual([
        [1, 'log'],
        [2, 'log'],
        [3, 'log'],
      ])
      expect((await store.get('c'))?.frame_count).toBe(3)
    })

    it('trims each conversation to maxFrames, oldest first', async () => {
      const store = await open({maxFrames: 5})
      for (let seq = 1; seq <= 12; seq += 3) store.appendFrames('c', [frame(seq), frame(seq + 1), frame(seq + 2)])
      store.appendFrames('d', [frame(1), frame(2)])
      expect((await store.framesAfter('c', 0)).map((f) => f.seq)).toEqual([8, 9, 10, 11, 12])
      expect(await store.get('c')).toMatchObject({frame_count: 5, last_seq: 12})
      expect((await store.framesAfter('d', 0)).map((f) => f.seq)).toEqual([1, 2])
      expect(store.stats()).toMatchObject({frames_written: 14, frames_trimmed: 7})
    })

    it('deletes a conversation with everything stored for it', async () => {
      const store = await open()
      await store.upsertConversation(input('c', 1, 'hi'))
      store.appendFrames('c', [frame(1)])
      await store.saveSnapshot('c', newTurn([userBlock('hi')]))
      await store.recordRebuild('c', {reason: 'x'})
      await store.runStarted('c', 'inf_1')
      await store.upsertConversation(input('keep', 2, 'other'))
      expect(await store.delete('c')).toBe(true)
      expect(await store.get('c')).toBeUndefined()
      expect(await store.framesAfter('c', 0)).toEqual([])
      expect(await store.loadSnapshot('c')).toBeUndefined()
      expect(await store.rebuilds('c')).toEqual([])
      expect(await store.runs('c')).toEqual([])
      expect((await store.list()).map((c) => c.id)).toEqual(['keep'])
      expect(await store.delete('c')).toBe(false)
    })

    it('round-trips the snapshot Turn without sharing objects', async () => {
      const store = await open()
      expect(await store.loadSnapshot('c')).toBeUndefined()
      const turn = newTurn([userBlock('2+2?'), assistantTextBlock('4', {model: 'm'})], {run: 1})
      await store.saveSnapshot('c', turn)
      const loaded = await store.loadSnapshot('c')
      expect(loaded).toEqual(turn)
      expect(loaded).not.toBe(turn)
      const grown = {...turn, blocks: [...turn.blocks, userBlock('and 3+3?')]}
      await store.saveSnapshot('c', grown)
      expect((await store.loadSnapshot('c'))?.blocks).toHaveLength(3)
    })

    it('keeps rebuild records in order', async () => {
      const store = await open()
      await store.recordRebuild('c', {at: '2026-01-01T00:00:00Z', reason: 'overrides: system_prompt changed', from: 'a', to: 'b'})
      await store.recordRebuild('c', {at: '2026-01-01T00:01:00Z', reason: 'file', diff: {x: {__old: 1, __new: 2}}})
      expect((await store.rebuilds('c')).map((r) => r.reason)).toEqual(['overrides: system_prompt changed', 'file'])
      expect((await store.rebuilds('c'))[1]).toEqual({at: '2026-01-01T00:01:00Z', reason: 'file', diff: {x: {__old: 1, __new: 2}}})
    })

    it('records run outcomes', async () => {
      const store = await open()
      await store.runStarted('c', 'inf_1', 100)
      await store.runEnded('c', 'inf_1', {status: 'completed', ended_at: 200})
      await store.runStarted('c', 'inf_2', 300)
      await store.runEnded('c', 'inf_2', {status: 'failed', ended_at: 400, error: 'overloaded', partial_text: 'hal'})
      await store.runStarted('c', 'inf_3', 500)
      expect(await store.runs('c')).toEqual([
        {inference_id: 'inf_1', status: 'completed', started_at: 100, ended_at: 200},
        {inference_id: 'inf_2', status: 'failed', started_at: 300, ended_at: 400, error: 'overloaded', partial_text: 'hal'},
        {inference_id: 'inf_3', status: 'running', started_at: 500},
      ])
    })

    it('marks running runs interrupted with the cumulative text of their last llm.delta', async () => {
      const store = await open()
      await store.runStarted('c', 'inf_done', 1)
      await store.runEnded('c', 'inf_done', {status: 'completed'})
      await store.runStarted('c', 'inf_live', 2)
      await store.runStarted('quiet', 'inf_quiet', 3)
      store.appendFrames('c', [
        deltaFrame(1, 'inf_done', 'old answer'),
        deltaFrame(2, 'inf_live', 'Hel'),
        deltaFrame(3, 'inf_live', 'Hello wor'),
        frame(4, 'tool.start'),
        deltaFrame(5, 'inf_other', 'not this one'),
      ])
      const marked = await store.markInterruptedRuns()
      expect(marked.map((r) => [r.conv_id, r.inference_id, r.status, r.partial_text])).toEqual(
        expect.arrayContaining([
          ['c', 'inf_live', 'interrupted', 'Hello wor'],
          ['quiet', 'inf_quiet', 'interrupted', undefined],
        ]),
      )
      expect(marked).toHaveLength(2)
      const runs = await store.runs('c')
      expect(runs.find((r) => r.inference_id === 'inf_live')).toMatchObject({status: 'interrupted', partial_text: 'Hello wor'})
      expect(runs.find((r) => r.inference_id === 'inf_done')?.status).toBe('completed')
      expect(await store.markInterruptedRuns()).toEqual([])
    })

    it('refuses reads after close and ignores late appends', async () => {
      const store = await makeStore()
      await store.close()
      expect(() => store.appendFrames('c', [frame(1)])).not.toThrow()
      await expect(store.list()).rejects.toThrow(/closed/)
    })
  })
}
