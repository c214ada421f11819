import {z} from 'zod'
import type {BusMessage} from '../types.js'
export {compareStreamIds, STREAM_ID} from '../stream-id.js'

/** Field names of a jiminy stream entry. */
export const FIELD = {payload: 'payload', seq: 'seq', next: 'next'} as const

const EntryFieldsSchema = z.object({
  [FIELD.payload]: z.string(),
  [FIELD.seq]: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .optional(),
  [FIELD.next]: z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number)
    .optional(),
})

export interface StreamEntry {
  readonly id: string
  readonly payload: string
  /** Seq of the entry's first frame. */
  readonly seq?: number
  /** Seq the entry after this one starts at (seq + frames). */
  readonly next?: number
}

/** Raw `[id, [field, value, …]]` as XRANGE/XREAD return it. */
export type RawEntry = [id: string, fields: string[]]

/** Parses one raw entry; an entry that is not jiminy's (no payload) becomes undefined, never a crash. */
export function parseEntry([id, flat]: RawEntry): StreamEntry | undefined {
  const fields: Record<string, string> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!
  const parsed = EntryFieldsSchema.safeParse(fields)
  if (!parsed.success) return undefined
  const {payload, seq, next} = parsed.data
  return {id, payload, ...(seq !== undefined ? {seq} : {}), ...(next !== undefined ? {next} : {})}
}

export function toBusMessage(topic: string, entry: StreamEntry): BusMessage {
  return entry.seq !== undefined
    ? {topic, payload: entry.payload, streamId: entry.id, seq: entry.seq}
    : {topic, payload: entry.payload, streamId: entry.id}
}
