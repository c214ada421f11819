import {z} from 'zod'

export const CASSETTE_VERSION = 1

/**
 * One provider HTTP exchange, as a JSON file in the cassette directory. The request is stored
 * with secrets removed; the response body is stored exactly as fetch delivered it (already
 * decompressed), as UTF-8 text when it is valid UTF-8, else base64, with the byte sizes of the
 * chunks it arrived in so replay streams it the same way.
 */
export const CassetteEntrySchema = z.object({
  version: z.literal(CASSETTE_VERSION),
  provider: z.string().min(1),
  model: z.string(),
  /** sha256 of provider, model and the request's messages: how replay finds this exchange. */
  match_key: z.string().min(1),
  recorded_at: z.string(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  response: z.object({
    status: z.number().int(),
    headers: z.record(z.string(), z.string()),
    encoding: z.enum(['utf8', 'base64']),
    body: z.string(),
    chunk_sizes: z.array(z.number().int().nonnegative()),
  }),
})
export type CassetteEntry = z.infer<typeof CassetteEntrySchema>

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
