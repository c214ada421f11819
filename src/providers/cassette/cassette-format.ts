import {z} from 'zod'

export const CASSETTE_VERSION = 1 as const

const RequestSchema = z.object({
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
})

const ResponseSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  encoding: z.enum(['utf8', 'base64']),
  body: z.string(),
  chunk_sizes: z.array(z.number().int().nonnegative()),
})

/** A provider API call (chat completions, responses, messages, streamGenerateContent). */
export const ProviderExchangeSchema = z.object({
  version: z.literal(CASSETTE_VERSION),
  kind: z.literal('provider'),
  provider: z.string().min(1),
  model: z.string(),
  /** sha256 of provider, model and the request's messages: names the exchange's file. */
  match_key: z.string().min(1),
  recorded_at: z.string(),
  request: RequestSchema,
  response: ResponseSchema,
})

/** Any other HTTP request made inside a run: by a tool, a tool executor, a middleware or a subscriber plugin. */
export const ToolExchangeSchema = z.object({
  version: z.literal(CASSETTE_VERSION),
  kind: z.literal('tool'),
  recorded_at: z.string(),
  request: RequestSchema,
  response: ResponseSchema,
})

/**
 * One recorded HTTP exchange, as a JSON file in a cassette directory: a tagged union on `kind`, the
 * extension point of the recording format (docs/fixtures.md): a new kind of exchange (MCP) is one
 * more member here and one more case in `exchangeLabel`. A file without `kind` (written before tool
 * exchanges existed) is a provider exchange. The request is stored with secrets removed; the
 * response body exactly as fetch delivered it (decompressed), as UTF-8 text when it is valid UTF-8,
 * else base64, with the byte sizes of the chunks it arrived in so replay streams it the same way.
 */
export const CassetteEntrySchema = z.preprocess(
  (value) => (value !== null && typeof value === 'object' && !('kind' in value) ? {...value, kind: 'provider'} : value),
  z.discriminatedUnion('kind', [ProviderExchangeSchema, ToolExchangeSchema]),
)
export type CassetteEntry = z.infer<typeof CassetteEntrySchema>
export type ProviderExchange = z.infer<typeof ProviderExchangeSchema>
export type ToolExchange = z.infer<typeof ToolExchangeSchema>
export type ExchangeKind = CassetteEntry['kind']

/** "anthropic claude-test" or "tool": what an exchange is, for messages and file names. */
export function exchangeLabel(entry: CassetteEntry): string {
  switch (entry.kind) {
    case 'provider':
      return `${entry.provider} ${entry.model}`
    case 'tool':
      return 'tool'
    default: {
      const _exhaustive: never = entry
      return String(_exhaustive)
    }
  }
}

export function encodeBody(bytes: Uint8Array): {encoding: 'utf8' | 'base64'; body: string} {
  try {
    return {encoding: 'utf8', body: new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(bytes)}
  } catch {
    return {encoding: 'base64', body: Buffer.from(bytes).toString('base64')}
  }
}

export function decodeBody(entry: CassetteEntry['response']): Uint8Array {
  return entry.encoding === 'utf8' ? new TextEncoder().encode(entry.body) : new Uint8Array(Buffer.from(entry.body, 'base64'))
}
