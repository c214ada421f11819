import {z} from 'zod'

/** Wire schemas of Gemini `streamGenerateContent?alt=sse` chunks, nothing else. */

const PartSchema = z
  .object({
    text: z.string().nullish(),
    thought: z.boolean().nullish(),
    thoughtSignature: z.string().nullish(),
    functionCall: z
      .object({name: z.string(), args: z.record(z.string(), z.unknown()).nullish(), id: z.string().nullish()})
      .loose()
      .nullish(),
  })
  .loose()
export type GeminiPart = z.infer<typeof PartSchema>

const CandidateSchema = z
  .object({
    content: z
      .object({parts: z.array(PartSchema).nullish(), role: z.string().nullish()})
      .loose()
      .nullish(),
    finishReason: z.string().nullish(),
    index: z.number().int().nullish(),
  })
  .loose()

export const GeminiChunkSchema = z.union([
  z.object({error: z.object({code: z.number().nullish(), message: z.string(), status: z.string().nullish()}).loose()}).loose(),
  z
    .object({
      candidates: z.array(CandidateSchema).nullish(),
      usageMetadata: z.record(z.string(), z.unknown()).nullish(),
      promptFeedback: z.object({blockReason: z.string().nullish()}).loose().nullish(),
      modelVersion: z.string().nullish(),
      responseId: z.string().nullish(),
    })
    .loose(),
])
export type GeminiChunk = z.infer<typeof GeminiChunkSchema>

export type GeminiRequestPart =
  | {text: string; thought?: true; thoughtSignature?: string}
  | {functionCall: {name: string; args: Record<string, unknown>; id?: string}; thoughtSignature?: string}
  | {functionResponse: {name: string; response: Record<string, unknown>; id?: string}}

export interface GeminiContent {
  role: 'user' | 'model'
  parts: GeminiRequestPart[]
}

export interface GeminiFunctionDeclaration {
  name: string
  description: string
  parametersJsonSchema: Record<string, unknown>
}

export interface GeminiRequest {
  contents: GeminiContent[]
  systemInstruction?: {parts: {text: string}[]}
  tools?: {functionDeclarations: GeminiFunctionDeclaration[]}[]
  generationConfig?: {temperature?: number; maxOutputTokens?: number; thinkingConfig?: Record<string, unknown>}
}
