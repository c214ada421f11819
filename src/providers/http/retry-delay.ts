/** Longest wait a server may ask for before we give up instead of retrying. */
export const MAX_RETRY_DELAY_MS = 60_000

/** 429 and 5xx are worth another try, as long as nothing has been streamed yet. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599)
}

/**
 * How long to wait before retry number `attempt` (0-based): the server's `retry-after-ms` or
 * `retry-after` (seconds or an HTTP date) when present, else exponential backoff with jitter.
 * Undefined when the server asks for more than MAX_RETRY_DELAY_MS.
 */
export function retryDelayMs(headers: Headers, attempt: number, baseDelayMs: number, now = Date.now()): number | undefined {
  const fromServer = serverRetryDelay(headers, now)
  if (fromServer !== undefined) return fromServer > MAX_RETRY_DELAY_MS ? undefined : fromServer
  const exponential = baseDelayMs * 2 ** attempt
  return Math.round(exponential * (0.8 + Math.random() * 0.4))
}

function serverRetryDelay(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms')
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms))
  const value = headers.get('retry-after')
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000)
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}
