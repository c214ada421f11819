import {z} from 'zod'
import {TurnSchema, type Turn} from '../../core/index.js'
import {
  RebuildEntrySchema,
  StoredRunSchema,
  type ConversationRecord,
  type ConversationSummary,
  type RebuildEntry,
  type StoredRun,
  type StoredFrame,
} from '../types.js'

// Rows read back from the file are parsed: the file may come from another version or a hand edit,
// and a bad row must surface as a clear error instead of an object with the wrong shape.

const SummaryRow = z.object({
  id: z.string(),
  title: z.string(),
  profile: z.string(),
  updated_at: z.number(),
  frame_count: z.number(),
  last_seq: z.number(),
})

const ConversationRow = SummaryRow.extend({
  signature: z.string(),
  config_json: z.string(),
  created_at: z.number(),
})

const FrameRow = z.object({seq: z.number(), stream_id: z.string().nullable(), type: z.string(), json: z.string()})

const RunRow = z.object({
  conv_id: z.string(),
  inference_id: z.string(),
  status: z.string(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  error: z.string().nullable(),
  partial_text: z.string().nullable(),
})
export type RunRowValue = z.infer<typeof RunRow>

const TextColumn = z.object({value: z.string()})

export function summaryOf(row: unknown): ConversationSummary {
  return SummaryRow.parse(row)
}

export function conversationOf(row: unknown): ConversationRecord {
  const {config_json, ...rest} = ConversationRow.parse(row)
  return {...rest, config: JSON.parse(config_json) as unknown}
}

export function frameOf(row: unknown): StoredFrame {
  const {seq, stream_id, type, json} = FrameRow.parse(row)
  return stream_id === null ? {seq, type, json} : {seq, stream_id, type, json}
}

export function runRowOf(row: unknown): RunRowValue {
  return RunRow.parse(row)
}

export function runOf(row: RunRowValue): StoredRun {
  return StoredRunSchema.parse({
    inference_id: row.inference_id,
    status: row.status,
    started_at: row.started_at,
    ...(row.ended_at !== null ? {ended_at: row.ended_at} : {}),
    ...(row.error !== null ? {error: row.error} : {}),
    ...(row.partial_text !== null ? {partial_text: row.partial_text} : {}),
  })
}

export function textOf(row: unknown): string {
  return TextColumn.parse(row).value
}

export function turnOf(json: string): Turn {
  return TurnSchema.parse(JSON.parse(json))
}

export function rebuildOf(json: string): RebuildEntry {
  return RebuildEntrySchema.parse(JSON.parse(json))
}
