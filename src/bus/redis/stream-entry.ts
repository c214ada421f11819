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

const SEQ_TEXT = /^\d{1,15}$/

/**
 * Parses one raw entry; an entry that is not jiminy's (no payload) becomes undefined, never a crash.
 * The append script writes `payload, seq, next` in that order: that layout is checked field by
 * field here (the same rules as EntryFieldsSchema) without building a record per entry; any other
 * layout goes through the schema.
 */
export function parseEntry(raw: RawEntry): StreamEntry | undefined {
  const [id, flat] = raw
  if (
    flat.length === 6 &&
    flat[0] === FIELD.payload &&
    flat[2] === FIELD.seq &&
    flat[4] === FIELD.next &&
    SEQ_TEXT.test(flat[3]!) &&
    SEQ_TEXT.test(flat[5]!)
  )
    return {id, payload: flat[1]!, seq: Number(flat[3]), next: Number(flat[5])}
  return parseEntryWithSchema(raw)
}

/** The reference parse (every layout), through the zod schema. */
export function parseEntryWithSchema([id, flat]: RawEntry): StreamEntry | undefined {
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
