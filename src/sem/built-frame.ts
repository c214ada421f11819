import type {BuiltFrame, SemFrame, SemFrameType} from './frames.js'

/**
 * A built frame whose wire text is made on its first read of `json` and kept: a frame nobody
 * sends (fixture replay with no golden file and no `onFrame`) never pays for `JSON.stringify`,
 * and every reader of one that is sent (FrameLog, sockets, store, golden file) gets the same string,
 * made once. Only `buildFrame` (and its llm.delta template) make these; the frame object is not
 * changed after it is built, so the text is the one an eager build would have made.
 */
export class LazyBuiltFrame implements BuiltFrame {
  #json: string | undefined

  constructor(
    readonly seq: number,
    readonly type: SemFrameType,
    readonly frame: SemFrame,
  ) {}

  get json(): string {
    return (this.#json ??= this.serialize())
  }

  /** The text of `frame`; `JSON.stringify` unless a subclass has a cheaper way to the same bytes. */
  protected serialize(): string {
    return JSON.stringify(this.frame)
  }
}
