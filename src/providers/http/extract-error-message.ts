import {z} from 'zod'

/** What a provider said went wrong, pulled out of an error body or an error chunk. */
export interface ProviderErrorInfo {
  readonly message: string
  readonly code?: string
}

const ErrorObjectSchema = z
  .object({
    message: z.string().optional(),
    type: z.string().nullish(),
    code: z.union([z.string(), z.number()]).nullish(),
    status: z.string().nullish(),
  })
  .loose()

// OpenAI / Anthropic / Gemini: {error: {...}}; Ollama: {error: "..."}; vLLM: {object: "error", message}; FastAPI: {detail}.
const NestedErrorSchema = z.object({error: z.union([z.string(), ErrorObjectSchema])}).loose()
const FlatErrorSchema = z
  .object({message: z.string(), type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish()})
  .loose()
const DetailSchema = z.object({detail: z.string()}).loose()

/** Reads a provider error payload (already parsed JSON); undefined when it does not look like one. */
export function errorInfoFromJson(value: unknown): ProviderErrorInfo | undefined {
  // Gemini sometimes wraps the error in a one-element array.
  const candidate: unknown = Array.isArray(value) ? value[0] : value
  const nested = NestedErrorSchema.safeParse(candidate)
  if (nested.success) {
    const error = nested.data.error
    if (typeof error === 'string') return {message: error}
    const code = firstString(error.code, error.type, error.status)
    return {message: error.message ?? code ?? JSON.stringify(error), ...(code !== undefined ? {code} : {})}
  }
  const flat = FlatErrorSchema.safeParse(candidate)
  if (flat.success) {
    const code = firstString(flat.data.code, flat.data.type)
    return {message: flat.data.message, ...(code !== undefined ? {code} : {})}
  }
  const detail = DetailSchema.safeParse(candidate)
  return detail.success ? {message: detail.data.detail} : undefined
}

/** Reads an error body as received (JSON or not); never throws. */
export function errorInfoFromText(text: string): ProviderErrorInfo | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return undefined
  try {
    return errorInfoFromJson(JSON.parse(trimmed))
  } catch {
    return undefined
  }
}

function firstString(...values: (string | number | null | undefined)[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v !== '') return v
    if (typeof v === 'number') return String(v)
  }
  return undefined
}
