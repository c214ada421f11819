import {ProviderError, sleep} from '../../core/index.js'
import {errorInfoFromText} from './extract-error-message.js'
import {DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_RETRIES, scrubSecrets, type ProviderHttpOptions} from './provider-http-options.js'
import {isRetryableStatus, retryDelayMs} from './retry-delay.js'

export interface ProviderRequest {
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: unknown
}

const MAX_ERROR_BODY_CHARS = 16_384

/**
 * POSTs the request and returns the first OK response. A 429 or 5xx is retried (bounded, with
 * backoff honouring retry-after) because nothing has been streamed yet; any other failure, or the
 * last retryable one, becomes a ProviderError carrying the provider's own message.
 */
export async function postWithRetry(request: ProviderRequest, signal: AbortSignal, options: ProviderHttpOptions): Promise<Response> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_BASE_DELAY_MS
  const body = JSON.stringify(request.body)
  for (let attempt = 0; ; attempt++) {
    const doFetch = options.fetch ?? globalThis.fetch
    const response = await doFetch(request.url, {
      method: 'POST',
      headers: {'content-type': 'application/json', accept: 'text/event-stream', ...request.headers},
      body,
      signal,
    })
    if (response.ok) return response
    const delay =
      attempt < maxRetries && isRetryableStatus(response.status) ? retryDelayMs(response.headers, attempt, baseDelayMs) : undefined
    if (delay === undefined) throw await httpError(response, options)
    void response.body?.cancel().catch(() => undefined)
    await sleep(delay, signal)
  }
}

async function httpError(response: Response, options: ProviderHttpOptions): Promise<ProviderError> {
  const text = await response.text().catch(() => '')
  const info = errorInfoFromText(text)
  const said = info?.message ?? (text.trim().slice(0, 500) || response.statusText || 'no error message')
  const message = scrubSecrets(`${options.label}: HTTP ${response.status}: ${said.slice(0, MAX_ERROR_BODY_CHARS)}`, options.secrets)
  return new ProviderError(message, {code: info?.code ?? `http_${response.status}`, status: response.status})
}
