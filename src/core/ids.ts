import {randomUUID} from 'node:crypto'

/** A fresh identifier; the prefix says what kind of id it is (evt, inf, turn, blk, msg, call, pause). */
export function newId(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 20)}`
}
