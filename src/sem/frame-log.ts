import type {BuiltFrame} from './frames.js'

export const DEFAULT_FRAME_LOG_CAPACITY = 10_000
export const DEFAULT_FRAME_LOG_MAX_BYTES = 32 * 1024 * 1024

/**
 * What the log keeps of a frame: its cursor and its text as built, not the parsed frame (a replay
 * sends the text; the parsed object graph cost an idle conversation more than the text itself).
 * The same shape as the store's frame row, so one object can be both (see `newest`).
 */
export interface LoggedFrame {
  readonly seq: number
  readonly type: string
  readonly json: string
  readonly stream_id?: string
}

/** The log's entry for a built frame. */
export function loggedFrameOf(frame: BuiltFrame): LoggedFrame {
  const streamId = frame.frame.event.stream_id
  return {seq: frame.seq, type: frame.type, json: flat(frame.json), ...(streamId !== undefined ? {stream_id: streamId} : {})}
}

/**
 * JSON.stringify returns a rope (a tree of pieces) for longer output; reading one character makes
 * V8 flatten it in place, so the log holds one string of the text's length instead of the tree.
 */
function flat(text: string): string {
  text.charCodeAt(0)
  return text
}

export interface ReplaySlice {
  /** Frames with seq > afterSeq that the log still holds, in order. */
  readonly frames: readonly LoggedFrame[]
  /** True when frames after `afterSeq` were evicted before this replay could send them. */
  readonly truncated: boolean
  /** How many seqs between afterSeq and the first frame held are lost (0 unless truncated). */
  readonly missing: number
}

/**
 * The last frames of one conversation, in seq order, for `after_seq` replay: at most `capacity`
 * frames and about `maxBytes` of frame text (llm.delta frames carry the cumulative text, so a long
 * answer is heavy). A ring buffer: appending is O(1), a replay lookup is a binary search.
 */
const INITIAL_SLOTS = 16

export class FrameLog {
  /** Grows by doubling up to `capacity`: an idle conversation holds a few frames, not `capacity` empty slots. */
  private ring: (LoggedFrame | undefined)[]
  private start = 0
  private size = 0
  private bytes = 0

  constructor(
    readonly capacity = DEFAULT_FRAME_LOG_CAPACITY,
    readonly maxBytes = DEFAULT_FRAME_LOG_MAX_BYTES,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`frame log capacity must be a positive integer, got ${capacity}`)
    this.ring = new Array<LoggedFrame | undefined>(Math.min(capacity, INITIAL_SLOTS))
  }

  /** Approximate bytes of frame text held (UTF-16 length). */
  get byteSize(): number {
    return this.bytes
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
    this.appendLogged(loggedFrameOf(frame))
  }

  /** Appends an entry as it is (a row read back from the store); its seq must be greater than the last one held. */
  appendLogged(frame: LoggedFrame): void {
    const last = this.lastSeq
    if (last !== undefined && frame.seq <= last) throw new Error(`frame log: seq ${frame.seq} is not after ${last}`)
    if (this.size === this.ring.length && this.size < this.capacity) this.grow()
    if (this.size === this.capacity) this.evictOldest()
    this.ring[(this.start + this.size) % this.ring.length] = frame
    this.size++
    this.bytes += frame.json.length
    // Keep at least the newest frame, however large.
    while (this.bytes > this.maxBytes && this.size > 1) this.evictOldest()
  }

  private evictOldest(): void {
    const oldest = this.ring[this.start]!
    this.ring[this.start] = undefined
    this.start = (this.start + 1) % this.ring.length
    this.size--
    this.bytes -= oldest.json.length
  }

  /** The entry of the frame appended last: the object the store can keep too instead of a copy. */
  newest(): LoggedFrame | undefined {
    return this.size > 0 ? this.at(this.size - 1) : undefined
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
    const frames: LoggedFrame[] = []
    for (let i = lo; i < this.size; i++) frames.push(this.at(i))
    const first = this.firstSeq
    const missing = first !== undefined && first > afterSeq + 1 ? first - 1 - afterSeq : 0
    return {frames, truncated: missing > 0, missing}
  }

  clear(): void {
    this.ring = new Array<LoggedFrame | undefined>(Math.min(this.capacity, INITIAL_SLOTS))
    this.start = 0
    this.size = 0
    this.bytes = 0
  }

  private at(i: number): LoggedFrame {
    return this.ring[(this.start + i) % this.ring.length]!
  }

  /** Doubles the ring (at most to capacity), oldest frame first at slot 0. */
  private grow(): void {
    const next = new Array<LoggedFrame | undefined>(Math.min(this.capacity, this.ring.length * 2))
    for (let i = 0; i < this.size; i++) next[i] = this.at(i)
    this.ring = next
    this.start = 0
  }
}
