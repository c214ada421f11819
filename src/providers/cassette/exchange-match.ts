import {canonicalJson} from '../../core/index.js'
import type {CassetteEntry, ExchangeKind} from './cassette-format.js'
import {redactUrl} from './redact-exchange.js'

/** A request as the matching rule sees it: its kind, method, URL (secrets removed) and body (JSON parsed, else text). */
export interface ExchangeRequest {
  readonly kind: ExchangeKind
  readonly method: string
  readonly url: string
  readonly body: unknown
}

/** Where a request differs from a recorded one: the first field, with both values. */
export interface FieldDifference {
  /** `method`, `path`, `query.city`, `body.messages[2].content`… */
  readonly field: string
  readonly recorded: unknown
  readonly now: unknown
}

/**
 * The one matching rule of every cassette (`--mock-provider`, `replay --rerun`, docs/fixtures.md):
 * a request is answered by the first recorded exchange, in recording order, not used yet, with the
 * same kind, method, URL path and query (secret parameters redacted on both sides) and the same body
 * (canonical JSON: key order and whitespace do not matter; a non-JSON body as text).
 */
export function matchKeyOf(request: ExchangeRequest): string {
  const url = new URL(redactUrl(request.url))
  return `${request.kind} ${request.method.toUpperCase()} ${url.pathname}${url.search} ${canonicalJson(request.body ?? null)}`
}

export function requestOfEntry(entry: CassetteEntry): ExchangeRequest {
  return {kind: entry.kind, method: entry.request.method, url: entry.request.url, body: entry.request.body}
}

/**
 * The recorded exchange closest to a request no exchange matches: same kind first, then same method
 * and path, then the one whose first difference lies deepest in the body. Undefined when the
 * cassette holds nothing of that kind.
 */
export function closestExchange(
  request: ExchangeRequest,
  entries: readonly CassetteEntry[],
): {readonly index: number; readonly difference: FieldDifference} | undefined {
  let best: {index: number; score: number; difference: FieldDifference} | undefined
  entries.forEach((entry, index) => {
    if (entry.kind !== request.kind) return
    // An equal request whose exchange was used already: asked more often than recorded.
    const difference = firstRequestDifference(requestOfEntry(entry), request) ?? {
      field: 'repeat',
      recorded: 'answered once',
      now: 'asked again',
    }
    const score =
      difference.field === 'repeat'
        ? Infinity
        : difference.field === 'method'
          ? 0
          : difference.field === 'path'
            ? 1
            : 2 + difference.field.split(/[.[]/).length
    if (!best || score > best.score) best = {index, score, difference}
  })
  return best && {index: best.index, difference: best.difference}
}

/** The first field where two requests differ (method, path, query, body), or undefined when they are equal. */
export function firstRequestDifference(recorded: ExchangeRequest, now: ExchangeRequest): FieldDifference | undefined {
  if (recorded.method.toUpperCase() !== now.method.toUpperCase()) return {field: 'method', recorded: recorded.method, now: now.method}
  const a = new URL(redactUrl(recorded.url))
  const b = new URL(redactUrl(now.url))
  if (a.pathname !== b.pathname) return {field: 'path', recorded: a.pathname, now: b.pathname}
  const query = firstDifference(Object.fromEntries(a.searchParams), Object.fromEntries(b.searchParams), 'query')
  return query ?? firstDifference(recorded.body ?? null, now.body ?? null, 'body')
}

/** The first path (depth first, keys sorted) where two JSON values differ. */
export function firstDifference(recorded: unknown, now: unknown, path: string): FieldDifference | undefined {
  if (Array.isArray(recorded) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(recorded.length, now.length); i++) {
      const found = firstDifference(recorded[i], now[i], `${path}[${i}]`)
      if (found) return found
    }
    return undefined
  }
  if (isObject(recorded) && isObject(now)) {
    for (const key of [...new Set([...Object.keys(recorded), ...Object.keys(now)])].sort()) {
      const found = firstDifference(recorded[key], now[key], `${path}.${key}`)
      if (found) return found
    }
    return undefined
  }
  return canonicalJson(recorded ?? null) === canonicalJson(now ?? null) ? undefined : {field: path, recorded, now}
}

/** `body.messages[2].content: recorded "it is 12:00", now "it is 12:01"` (values cut to 80 characters). */
export function describeDifference(difference: FieldDifference): string {
  return `${difference.field}: recorded ${short(difference.recorded)}, now ${short(difference.now)}`
}

function short(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
