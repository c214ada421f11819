import {REDACTED, redactSecrets, redactString} from '../../core/index.js'
import type {CassetteEntry} from './cassette-format.js'
import {SECRET_HEADER} from '../config.js'

const SECRET_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'openai-organization',
  'openai-project',
])
// The response is re-served decoded, so its original framing headers no longer apply.
const FRAMING_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection'])

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    const key = name.toLowerCase()
    if (key.startsWith('x-msw-')) return
    out[key] = SECRET_HEADERS.has(key) || SECRET_HEADER.test(key) ? REDACTED : value
  })
  return out
}

export function replayableResponseHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries(Object.entries(redactHeaders(headers)).filter(([name]) => !FRAMING_HEADERS.has(name) && name !== 'set-cookie'))
}

/** Removes `key=` (and other credential-looking) query parameters from a URL. */
export function redactUrl(url: string): string {
  const parsed = new URL(url)
  for (const name of [...parsed.searchParams.keys()]) {
    if (/^(key|api[-_]?key|access[-_]?token|token)$/i.test(name)) parsed.searchParams.set(name, REDACTED)
  }
  return parsed.toString()
}

/**
 * The one redaction every cassette entry goes through before it is written: secret headers and
 * query parameters by name, and every known secret by value in both bodies (an upstream that
 * echoes the key in an error body or an SSE chunk). A scrubbed response body no longer fits its
 * recorded chunking, so it replays as one chunk.
 */
export function redactCassetteEntry(entry: CassetteEntry): CassetteEntry {
  const request = {
    ...entry.request,
    body: typeof entry.request.body === 'string' ? redactString(entry.request.body) : redactSecrets(entry.request.body),
  }
  if (entry.response.encoding !== 'utf8') return {...entry, request}
  const body = redactString(entry.response.body)
  if (body === entry.response.body) return {...entry, request}
  return {...entry, request, response: {...entry.response, body, chunk_sizes: [Buffer.byteLength(body)]}}
}
