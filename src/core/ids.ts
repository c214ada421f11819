import {randomBytes} from 'node:crypto'

// A random per-process prefix plus a counter: unique across processes and restarts, and cheap
// enough for the event hot path (a UUID per event cost more than the rest of publishing).
const processPart = randomBytes(6).toString('hex')
let counter = 0

/** A fresh identifier; the prefix says what kind of id it is (evt, inf, turn, blk, msg, call, pause). */
export function newId(prefix: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER
  return `${prefix}_${processPart}${counter.toString(36).padStart(6, '0')}`
}
