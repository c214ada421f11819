/**
 * Event ordinals (sessionstream pkg/sessionstream/ordinals.go): per session, strictly increasing,
 * one per backend event (the uiEvents of one event share it). With a Redis stream entry id
 * `<ms>-<seq>` the ordinal is `ms * 1_000_000 + seq`, so every instance reading the stream agrees;
 * otherwise (or when that would not increase) it is the last one + 1. Ordinals pass 2^53, hence
 * bigint inside and decimal strings on the wire.
 */
export function ordinalOfStreamId(streamId: string): bigint | undefined {
  const match = /^(\d+)-(\d+)$/.exec(streamId)
  if (!match) return undefined
  return BigInt(match[1]!) * 1_000_000n + BigInt(match[2]!)
}

export class OrdinalClock {
  private last: bigint

  constructor(start = 0n) {
    this.last = start
  }

  /** The last ordinal handed out (0 before the first). */
  get current(): bigint {
    return this.last
  }

  /** The next ordinal: derived from the stream entry id when it increases, else the last + 1. */
  next(streamId?: string): bigint {
    const derived = streamId !== undefined ? ordinalOfStreamId(streamId) : undefined
    this.last = derived !== undefined && derived > this.last ? derived : this.last + 1n
    return this.last
  }
}
