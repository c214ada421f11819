import {z} from 'zod'

/** Wire schemas of the Chat Completions streaming API (`stream: true`), nothing else. */

const ToolCallDeltaSchema = z
  .object({
    /** Missing on a few compatible servers that send each call whole; the position in the array stands in. */
    index: z.number().int().nonnegative().optional(),
    id: z.string().nullish(),
    type: z.string().nullish(),
    function: z.object({name: z.string().nullish(), arguments: z.string().nullish()}).loose().nullish(),
  })
  .loose()

export type OpenAiChatToolCallDelta = z.infer<typeof ToolCallDeltaSchema>

const DeltaSchema = z
  .object({
    role: z.string().nullish(),
    content: z.string().nullish(),
    refusal: z.string().nullish(),
    /** DeepSeek, vLLM, llama.cpp. */
    reasoning_content: z.string().nullish(),
    /** Ollama, OpenRouter, LM Studio. */
    reasoning: z.string().nullish(),
    tool_calls: z.array(ToolCallDeltaSchema).nullish(),
  })
  .loose()

const ChoiceSchema = z
  .object({
    index: z.number().int().nonnegative().default(0),
    delta: DeltaSchema.nullish(),
    finish_reason: z.string().nullish(),
  })
  .loose()

export const OpenAiChatChunkSchema = z.union([
  z
    .object({
      error: z.union([
        z.string(),
        z.object({message: z.string().optional(), type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish()}).loose(),
      ]),
    })
    .loose(),
  z
    .object({
      id: z.string().nullish(),
      model: z.string().nullish(),
      choices: z.array(ChoiceSchema).nullish(),
      usage: z.record(z.string(), z.unknown()).nullish(),
    })
    .loose(),
])
export type OpenAiChatChunk = z.infer<typeof OpenAiChatChunkSchema>

export type OpenAiChatMessage =
  | {role: 'system'; content: string}
  | {role: 'user'; content: string}
  | {role: 'assistant'; content: string | null; tool_calls?: OpenAiChatToolCall[]}
  | {role: 'tool'; tool_call_id: string; content: string}

export interface OpenAiChatToolCall {
  id: string
  type: 'function'
  function: {name: string; arguments: string}
}

export interface OpenAiChatTool {
  type: 'function'
  function: {name: string; description: string; parameters: Record<string, unknown>}
}

export interface OpenAiChatRequest {
  model: string
  messages: OpenAiChatMessage[]
  stream: true
  stream_options: {include_usage: true}
  tools?: OpenAiChatTool[]
  temperature?: number
  max_tokens?: number
  max_completion_tokens?: number
  reasoning_effort?: string
}
