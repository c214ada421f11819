/** How an engine talks HTTP; every field has a default so engines and tests set only what they need. */
export interface ProviderHttpOptions {
  /** Names the provider in error messages, e.g. `anthropic`. */
  readonly label: string
  /** Looked up at request time (not captured), so msw and cassettes can intercept the global one. */
  readonly fetch?: typeof fetch
  /** Retries of a 429/5xx answer before the first byte; never after streaming began. Default 2. */
  readonly maxRetries?: number
  /** First backoff step when the server gives no retry-after. Default 500 ms. */
  readonly baseDelayMs?: number
  /** A stream (or the wait for response headers) silent this long is aborted. Default 120 s. */
  readonly stallTimeoutMs?: number
  /** Strings scrubbed from any error message (the API key). */
  readonly secrets?: readonly string[]
}

export const DEFAULT_MAX_RETRIES = 2
export const DEFAULT_BASE_DELAY_MS = 500
export const DEFAULT_STALL_TIMEOUT_MS = 120_000

/** Replaces every secret in text; used on every provider message before it leaves the engine. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]')
  return out
}
