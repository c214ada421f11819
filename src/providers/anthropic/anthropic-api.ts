import {z} from 'zod'

/** Wire schemas of the Anthropic Messages streaming events, nothing else. */

const UsageSchema = z.record(z.string(), z.unknown())

const ContentBlockSchema = z.discriminatedUnion('type', [
  z.object({type: z.literal('text'), text: z.string().default('')}).loose(),
  z.object({type: z.literal('thinking'), thinking: z.string().default(''), signature: z.string().nullish()}).loose(),
  z.object({type: z.literal('redacted_thinking'), data: z.string()}).loose(),
  z.object({type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()).nullish()}).loose(),
])

const DeltaSchema = z.discriminatedUnion('type', [
  z.object({type: z.literal('text_delta'), text: z.string()}).loose(),
  z.object({type: z.literal('thinking_delta'), thinking: z.string()}).loose(),
  z.object({type: z.literal('signature_delta'), signature: z.string()}).loose(),
  z.object({type: z.literal('input_json_delta'), partial_json: z.string()}).loose(),
  z.object({type: z.literal('citations_delta')}).loose(),
])

export const AnthropicEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('message_start'),
      message: z.object({id: z.string().nullish(), model: z.string().nullish(), usage: UsageSchema.nullish()}).loose(),
    })
    .loose(),
  z
    .object({
      type: z.literal('content_block_start'),
      index: z.number().int().nonnegative(),
      // Server-side blocks (web search results, code execution…) are accepted and ignored.
      content_block: z.union([ContentBlockSchema, z.object({type: z.string()}).loose()]),
    })
    .loose(),
  z
    .object({
      type: z.literal('content_block_delta'),
      index: z.number().int().nonnegative(),
      delta: z.union([DeltaSchema, z.object({type: z.string()}).loose()]),
    })
    .loose(),
  z.object({type: z.literal('content_block_stop'), index: z.number().int().nonnegative()}).loose(),
  z
    .object({
      type: z.literal('message_delta'),
      delta: z.object({stop_reason: z.string().nullish(), stop_sequence: z.string().nullish()}).loose(),
      usage: UsageSchema.nullish(),
    })
    .loose(),
  z.object({type: z.literal('message_stop')}).loose(),
  z.object({type: z.literal('ping')}).loose(),
  z.object({type: z.literal('error'), error: z.object({type: z.string().nullish(), message: z.string()}).loose()}).loose(),
])
export type AnthropicEvent = z.infer<typeof AnthropicEventSchema>
export const AnthropicContentBlockSchema = ContentBlockSchema
export const AnthropicDeltaSchema = DeltaSchema

export type AnthropicContent =
  | {type: 'text'; text: string}
  | {type: 'thinking'; thinking: string; signature: string}
  | {type: 'redacted_thinking'; data: string}
  | {type: 'tool_use'; id: string; name: string; input: Record<string, unknown>}
  | {type: 'tool_result'; tool_use_id: string; content: string; is_error?: true}

export interface AnthropicMessage {
  role: 'user' | 'assistant'
  content: AnthropicContent[]
}

export interface AnthropicTool {
  name: string
  description: string
  input_schema: Record<string, unknown>
}

export interface AnthropicRequest {
  model: string
  messages: AnthropicMessage[]
  system?: string
  max_tokens: number
  stream: true
  tools?: AnthropicTool[]
  temperature?: number
  thinking?: Record<string, unknown>
}
