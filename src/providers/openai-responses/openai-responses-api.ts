import {z} from 'zod'

/** Wire schemas of the Responses API streaming events we read, nothing else. Other event types are ignored. */

export const ReasoningItemSchema = z
  .object({
    type: z.literal('reasoning'),
    id: z.string(),
    encrypted_content: z.string().nullish(),
    summary: z.array(z.object({type: z.string(), text: z.string()}).loose()).nullish(),
  })
  .loose()

export const FunctionCallItemSchema = z
  .object({
    type: z.literal('function_call'),
    id: z.string().nullish(),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string().default(''),
  })
  .loose()

export const MessageItemSchema = z.object({type: z.literal('message'), id: z.string().nullish()}).loose()
const OtherItemSchema = z.object({type: z.string()}).loose()

export const OutputItemSchema = z.union([ReasoningItemSchema, FunctionCallItemSchema, MessageItemSchema, OtherItemSchema])
export type OutputItem = z.infer<typeof OutputItemSchema>

const ResponseSchema = z
  .object({
    id: z.string().nullish(),
    status: z.string().nullish(),
    usage: z.record(z.string(), z.unknown()).nullish(),
    incomplete_details: z.object({reason: z.string().nullish()}).loose().nullish(),
    error: z.object({code: z.string().nullish(), message: z.string()}).loose().nullish(),
  })
  .loose()

const outputIndex = z.number().int().nonnegative()

/** Schemas by event `type`; an event whose type is listed must match, others are skipped. */
export const RESPONSES_EVENT_SCHEMAS = {
  'response.output_item.added': z
    .object({type: z.literal('response.output_item.added'), output_index: outputIndex, item: OutputItemSchema})
    .loose(),
  'response.output_item.done': z
    .object({type: z.literal('response.output_item.done'), output_index: outputIndex, item: OutputItemSchema})
    .loose(),
  'response.output_text.delta': z
    .object({type: z.literal('response.output_text.delta'), output_index: outputIndex, delta: z.string()})
    .loose(),
  'response.refusal.delta': z.object({type: z.literal('response.refusal.delta'), output_index: outputIndex, delta: z.string()}).loose(),
  'response.reasoning_summary_text.delta': z
    .object({
      type: z.literal('response.reasoning_summary_text.delta'),
      output_index: outputIndex,
      summary_index: z.number().int().nonnegative(),
      delta: z.string(),
    })
    .loose(),
  'response.reasoning_text.delta': z
    .object({type: z.literal('response.reasoning_text.delta'), output_index: outputIndex, delta: z.string()})
    .loose(),
  'response.function_call_arguments.delta': z
    .object({type: z.literal('response.function_call_arguments.delta'), output_index: outputIndex, delta: z.string()})
    .loose(),
  'response.completed': z.object({type: z.literal('response.completed'), response: ResponseSchema}).loose(),
  'response.incomplete': z.object({type: z.literal('response.incomplete'), response: ResponseSchema}).loose(),
  'response.failed': z.object({type: z.literal('response.failed'), response: ResponseSchema}).loose(),
  error: z
    .object({
      type: z.literal('error'),
      message: z.string().nullish(),
      code: z.string().nullish(),
      error: z.object({message: z.string(), code: z.string().nullish()}).loose().nullish(),
    })
    .loose(),
} as const

export type ResponsesEventType = keyof typeof RESPONSES_EVENT_SCHEMAS
export type ResponsesEvent = {[K in ResponsesEventType]: z.infer<(typeof RESPONSES_EVENT_SCHEMAS)[K]>}[ResponsesEventType]

export const ResponsesEventTypeSchema = z.object({type: z.string()}).loose()

export function isKnownResponsesEvent(type: string): type is ResponsesEventType {
  return Object.hasOwn(RESPONSES_EVENT_SCHEMAS, type)
}

export type ResponsesInputItem =
  | {role: 'system' | 'user' | 'assistant'; content: string}
  | {type: 'message'; role: 'assistant'; id?: string; content: {type: 'output_text'; text: string; annotations: []}[]}
  | {type: 'reasoning'; id: string; summary: {type: 'summary_text'; text: string}[]; encrypted_content?: string}
  | {type: 'function_call'; id?: string; call_id: string; name: string; arguments: string}
  | {type: 'function_call_output'; call_id: string; output: string}

export interface ResponsesTool {
  type: 'function'
  name: string
  description: string
  parameters: Record<string, unknown>
  strict: false
}

export interface ResponsesRequest {
  model: string
  input: ResponsesInputItem[]
  stream: true
  tools?: ResponsesTool[]
  temperature?: number
  max_output_tokens?: number
  reasoning?: Record<string, unknown>
  store?: boolean
  include?: string[]
}
