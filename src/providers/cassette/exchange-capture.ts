import {CASSETTE_VERSION, encodeBody, type CassetteEntry, type ExchangeKind} from './cassette-format.js'
import type {ExchangeRequest} from './exchange-match.js'
import {identifyProviderRequest, type ProviderRequestIdentity} from './identify-provider-request.js'
import {redactCassetteEntry, redactHeaders, redactUrl, replayableResponseHeaders} from './redact-exchange.js'
import {teeBody} from './tee-body.js'

/** A request as it left: what the matching rule sees, its headers, and who it is for when it is a provider call. */
export interface OutgoingRequest extends ExchangeRequest {
  readonly headers: Headers
  readonly provider: ProviderRequestIdentity | undefined
}

/** Reads an intercepted request (its body from a clone) and classifies it: a provider API call, else a tool exchange. */
export async function outgoingOf(request: Request): Promise<OutgoingRequest> {
  const text = request.body ? await request.clone().text() : ''
  const body = text === '' ? null : parseJsonOr(text)
  const provider = request.method.toUpperCase() === 'POST' ? identifyProviderRequest(request.url, body) : undefined
  const kind: ExchangeKind = provider ? 'provider' : 'tool'
  return {kind, method: request.method.toUpperCase(), url: request.url, headers: request.headers, body, provider}
}

function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/**
 * Passes `upstream` through to the caller unchanged while keeping a copy of every chunk the caller
 * reads, and calls `done` once with the exchange as a cassette entry (request redacted, body
 * decoded, chunk sizes kept) when the body ends, fails or is cancelled, or when `finish` is called
 * (a recorder stopping with the body still open saves it as far as it got).
 */
export function captureExchange(
  request: OutgoingRequest,
  upstream: Response,
  done: (entry: CassetteEntry) => void,
): {readonly response: Response; readonly finish: () => void} {
  const recordedRequest = {method: request.method, url: redactUrl(request.url), headers: redactHeaders(request.headers), body: request.body}
  const headers = replayableResponseHeaders(upstream.headers)
  const save = (chunks: Uint8Array[]) => {
    const response = {
      status: upstream.status,
      headers,
      ...encodeBody(new Uint8Array(Buffer.concat(chunks))),
      chunk_sizes: chunks.map((c) => c.byteLength),
    }
    const common = {version: CASSETTE_VERSION, recorded_at: new Date().toISOString(), request: recordedRequest, response}
    const identity = request.provider
    done(
      redactCassetteEntry(
        identity
          ? {...common, kind: 'provider', provider: identity.provider, model: identity.model, match_key: identity.matchKey}
          : {...common, kind: 'tool'},
      ),
    )
  }
  if (!upstream.body) {
    save([])
    return {response: new Response(null, {status: upstream.status, statusText: upstream.statusText, headers}), finish: () => undefined}
  }
  const {stream, finish} = teeBody(upstream.body, save)
  return {response: new Response(stream, {status: upstream.status, statusText: upstream.statusText, headers}), finish}
}
