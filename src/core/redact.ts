/**
 * Removes secrets from anything that may be printed, logged or stored (signatures, logs, frames,
 * fixtures, diffs): values under secret-looking keys, and strings shaped like well-known API keys.
 */
/** The words a secret's key ends in (`isSecretKey`); fixture lines look for the same words in JSON text. */
export const SECRET_KEY_WORDS = 'api_?key|apikey|token|secret|password|passwd|authorization|auth|bearer|credential|cookie'
const SECRET_KEY = new RegExp(`(^|_|-)(${SECRET_KEY_WORDS})s?$`, 'i')
const SAFE_KEY = /(_env|_var|_tokens|_token_count|max_tokens|input_tokens|output_tokens|total_tokens)$/i
const SECRET_VALUE =
  /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|Bearer\s+[A-Za-z0-9._~+/=-]{16,})/g

export const REDACTED = '[redacted]'

/** Shorter values are too likely to be ordinary text to scrub everywhere. */
const MIN_SECRET_LENGTH = 6

/**
 * Every secret value this process knows (provider keys from the environment and `api_key_env`,
 * the `--token`, Redis passwords), longest first, scrubbed as exact strings wherever they appear:
 * an upstream that echoes a key, or a key with no well-known shape, is caught by value, not by
 * pattern. Process-wide by nature: a secret the process holds is secret in every output of it.
 */
const knownSecrets: string[] = []

/** Registers secret values to scrub by exact match from everything redactString sees. */
export function registerSecret(...values: readonly (string | undefined)[]): void {
  for (const value of values) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue
    // The value itself, and as it appears inside JSON text and URLs.
    for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]) {
      if (!knownSecrets.includes(form)) knownSecrets.push(form)
    }
  }
  // Longest first, so a key that contains another is replaced whole.
  knownSecrets.sort((a, b) => b.length - a.length)
}

/** How many values are registered (tests, diagnostics); never the values themselves. */
export function registeredSecretCount(): number {
  return knownSecrets.length
}

/**
 * Every match of SECRET_VALUE contains one of these literals; text with none of them (nearly every
 * event JSON, scrubbed once per event) skips the regexp, whose `\b` and five alternatives are
 * tried at every position. Keep in step with SECRET_VALUE (test/core/redact.test.ts compares).
 */
const SECRET_VALUE_HINTS = ['sk-', 'AIza', 'xox', 'Bearer'] as const
const GITHUB_HINT = /gh[pousr]_/

function mayHoldSecretValue(text: string): boolean {
  for (const hint of SECRET_VALUE_HINTS) if (text.includes(hint)) return true
  return GITHUB_HINT.test(text)
}

export function redactString(text: string): string {
  let out = mayHoldSecretValue(text) ? text.replace(SECRET_VALUE, REDACTED) : text
  for (const secret of knownSecrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  return out
}

/**
 * The start of a SECRET_VALUE token touching the end of the text: partial (`sk-ab`, `Bea`) or
 * complete but able to grow (`sk-` and 16 characters, more may follow). Keep in step with SECRET_VALUE.
 */
const SECRET_VALUE_TAIL =
  /(?:^|\b)(?:s(?:k(?:-[A-Za-z0-9_-]*)?)?|A(?:I(?:z(?:a[0-9A-Za-z_-]*)?)?)?|g(?:h(?:[pousr](?:_[A-Za-z0-9]*)?)?)?|x(?:o(?:x(?:[abprs](?:-[A-Za-z0-9-]*)?)?)?)?|B(?:e(?:a(?:r(?:e(?:r(?:\s+[A-Za-z0-9._~+/=-]*)?)?)?)?)?)?)$/
/** How far back from the end a growing token is looked for. */
const TAIL_WINDOW = 1024

/**
 * Where streamed text may be cut so that the part before the cut can be shown, redacted, for good:
 * never inside a known secret, never where the text after the cut could still begin one (at most
 * the longest secret − 1 characters held back), and never inside a token shaped like a key. Text
 * before `from` was cut before and is never looked at again.
 */
export function secretSafeCut(text: string, from = 0): number {
  let cut = text.length
  for (const secret of knownSecrets) {
    // The earliest position whose rest of the text is a proper prefix of this secret.
    for (let at = Math.max(from, text.length - secret.length + 1); at < text.length; at++) {
      if (text.charCodeAt(at) === secret.charCodeAt(0) && secret.startsWith(text.slice(at))) {
        cut = Math.min(cut, at)
        break
      }
    }
  }
  const windowStart = Math.max(from, text.length - TAIL_WINDOW)
  const tail = SECRET_VALUE_TAIL.exec(text.slice(windowStart))
  if (tail && tail[0] !== '') cut = Math.min(cut, windowStart + tail.index)
  // Never inside a whole known secret that the cut above fell into.
  for (let moved = true; moved;) {
    moved = false
    for (const secret of knownSecrets) {
      const at = text.lastIndexOf(secret, cut - 1)
      if (at >= from && at < cut && at + secret.length > cut) {
        cut = at
        moved = true
      }
    }
  }
  return Math.max(cut, from)
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
