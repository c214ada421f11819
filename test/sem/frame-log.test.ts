import {describe, expect, it} from 'vitest'
import {FrameLog} from '../../src/sem/frame-log.js'
import {buildFrame} from '../../src/sem/frames.js'

const frame = (seq: number) => buildFrame({type: 'tool.done', id: `c${seq}`, conv_id: 'c'}, {seq})

describe('FrameLog', () => {
  it('replays every frame after a seq, in order', () => {
    const log = new FrameLog(100)
    for (let s = 1; s <= 10; s++) log.append(frame(s))
    expect(log.since(0).frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(log.since(7).frames.map((f) => f.seq)).toEqual([8, 9, 10])
    expect(log.since(10)).toEqual({frames: [], truncated: false, missing: 0})
    expect(log.since(99).frames).toEqual([])
  })

  it('keeps only the last capacity frames and says when a replay starts too early', () => {
    const log = new FrameLog(5)
    for (let s = 1; s <= 12; s++) log.append(frame(s))
    expect(log.length).toBe(5)
    expect([log.firstSeq, log.lastSeq]).toEqual([8, 12])
    const slice = log.since(3)
    expect(slice.frames.map((f) => f.seq)).toEqual([8, 9, 10, 11, 12])
    expect(slice).toMatchObject({truncated: true, missing: 4})
    expect(log.since(7)).toMatchObject({truncated: false, missing: 0})
  })

  it('refuses a seq that is not after the last', () => {
    const log = new FrameLog(3)
    log.append(frame(1))
    expect(() => log.append(frame(1))).toThrow(/not after/)
    expect(() => new FrameLog(0)).toThrow()
  })
})

describe('FrameLog byte cap', () => {
  it('evicts the oldest frames past maxBytes but always keeps the newest', () => {
    const size = frame(10).json.length
    const log = new FrameLog(100, size * 3)
    for (let s = 1; s <= 10; s++) log.append(frame(s))
    expect(log.length).toBe(3)
    expect(log.firstSeq).toBe(8)
    expect(log.byteSize).toBeLessThanOrEqual(size * 3)
    const tiny = new FrameLog(100, 1)
    tiny.append(frame(1))
    tiny.append(frame(2))
    expect([tiny.length, tiny.firstSeq]).toEqual([1, 2])
  })

  it('grows its ring as frames arrive and answers like a plain list at every size (clear included)', () => {
    for (const capacity of [1, 5, 16, 17, 100]) {
      const log = new FrameLog(capacity)
      let model: number[] = []
      for (let seq = 1; seq <= 260; seq++) {
        log.append(frame(seq))
        model = [...model, seq].slice(-capacity)
        if (seq % 37 === 0 || seq === 260) {
          for (const after of [0, seq - 3, model[0]! - 1, seq])
            expect(
              log.since(after).frames.map((f) => f.seq),
              `capacity ${capacity} seq ${seq} after ${after}`,
            ).toEqual(model.filter((s) => s > after))
          expect([log.length, log.firstSeq, log.lastSeq]).toEqual([model.length, model[0], seq])
        }
        if (seq === 130) {
          log.clear()
          model = []
          expect(log.length).toBe(0)
        }
      }
    }
  })
})
