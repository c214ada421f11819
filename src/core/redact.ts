/**
 * Removes secrets from anything that may be printed, logged or stored (signatures, logs, frames,
 * fixtures, diffs): values under secret-looking keys, and strings shaped like well-known API keys.
 */
const SECRET_KEY = /(^|_|-)(api_?key|apikey|token|secret|password|passwd|authorization|auth|bearer|credential|cookie)s?$/i
const SAFE_KEY = /(_env|_var|_tokens|_token_count|max_tokens|input_tokens|output_tokens|total_tokens)$/i
const SECRET_VALUE =
  /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|Bearer\s+[A-Za-z0-9._~+/=-]{16,})/g

export const REDACTED = '[redacted]'

export function redactString(text: string): string {
  return text.replace(SECRET_VALUE, REDACTED)
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !SAFE_KEY.test(key)
}

export function redactSecrets<T>(value: T): T {
  return redact(value) as T
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value)
  if (Array.isArray(value)) return value.map(redact)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redact(v)
    return out
  }
  return value
}
