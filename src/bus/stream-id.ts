/** A transport entry id as Redis writes it (`ms-n`); the one pattern every layer checks ids with. */
export const STREAM_ID = /^(\d{1,20})-(\d{1,20})$/

/**
 * Orders transport entry ids. Redis ids (`ms-n`) compare numerically (string order is wrong across
 * digit counts); any other ids, as in hand-written fixtures, compare as strings.
 */
export function compareStreamIds(a: string, b: string): number {
  const ma = STREAM_ID.exec(a)
  const mb = STREAM_ID.exec(b)
  if (ma && mb) {
    const ms = BigInt(ma[1]!) - BigInt(mb[1]!)
    if (ms !== 0n) return ms < 0n ? -1 : 1
    const n = BigInt(ma[2]!) - BigInt(mb[2]!)
    return n === 0n ? 0 : n < 0n ? -1 : 1
  }
  return a < b ? -1 : a > b ? 1 : 0
}
