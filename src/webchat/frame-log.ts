import type {BuiltFrame} from './sem/frames.js'

export const DEFAULT_FRAME_LOG_CAPACITY = 10_000

export interface ReplaySlice {
  /** Frames with seq > afterSeq that the log still holds, in order. */
  readonly frames: readonly BuiltFrame[]
  /** True when frames after `afterSeq` were evicted before this replay could send them. */
  readonly truncated: boolean
  /** How many seqs between afterSeq and the first frame held are lost (0 unless truncated). */
  readonly missing: number
}

/**
 * The last `capacity` frames of one conversation, in seq order, for `after_seq` replay. A ring
 * buffer: appending is O(1), a replay lookup is a binary search.
 */
export class FrameLog {
  private readonly ring: (BuiltFrame | undefined)[]
  private start = 0
  private size = 0

  constructor(readonly capacity = DEFAULT_FRAME_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`frame log capacity must be a positive integer, got ${capacity}`)
    this.ring = new Array<BuiltFrame | undefined>(capacity)
  }

  get length(): number {
    return this.size
  }

  /** Seq of the oldest frame held, or undefined when empty. */
  get firstSeq(): number | undefined {
    return this.size > 0 ? this.at(0).seq : undefined
  }

  get lastSeq(): number | undefined {
    return this.size > 0 ? this.at(this.size - 1).seq : undefined
  }

  /** Appends a frame; its seq must be greater than the last one held. */
  append(frame: BuiltFrame): void {
    const last = this.lastSeq
    if (last !== undefined && frame.seq <= last) throw new Error(`frame log: seq ${frame.seq} is not after ${last}`)
    if (this.size < this.capacity) {
      this.ring[(this.start + this.size) % this.capacity] = frame
      this.size++
    } else {
      this.ring[this.start] = frame
      this.start = (this.start + 1) % this.capacity
    }
  }

  /**
   * Everything after `afterSeq` that is still held. Seqs start at 1, so when the oldest frame held
   * is later than `afterSeq + 1`, the frames in between are gone: the slice says so.
   */
  since(afterSeq: number): ReplaySlice {
    let lo = 0
    let hi = this.size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.at(mid).seq <= afterSeq) lo = mid + 1
      else hi = mid
    }
    const frames: BuiltFrame[] = []
    for (let i = lo; i < this.size; i++) frames.push(this.at(i))
    const first = this.firstSeq
    const missing = first !== undefined && first > afterSeq + 1 ? first - 1 - afterSeq : 0
    return {frames, truncated: missing > 0, missing}
  }

  clear(): void {
    this.ring.fill(undefined)
    this.start = 0
    this.size = 0
  }

  private at(i: number): BuiltFrame {
    return this.ring[(this.start + i) % this.capacity]!
  }
}
