import {redactString, secretSafeCut} from './redact.js'

/**
 * Redaction by value for text that arrives in chunks (an assistant message's deltas): what it lets
 * out, concatenated, never spells a secret, whichever chunk boundaries the secret straddles. Text
 * that could still begin a secret (or a key-shaped token) is held back until the next chunk shows
 * it is not one, or the message ends (`flush`). The shown text only ever grows, so each piece is a
 * delta and `text` its cumulative.
 */
export class StreamRedactor {
  private raw = ''
  /** Raw characters already shown. */
  private cut = 0
  private shown = ''

  /** Adds a chunk; returns the redacted text it releases ('' while everything new is held back). */
  push(chunk: string): string {
    this.raw += chunk
    return this.advance(secretSafeCut(this.raw, this.cut))
  }

  /** Releases what was held back (the message ended). */
  flush(): string {
    return this.advance(this.raw.length)
  }

  /** Everything shown so far, redacted: the cumulative of the deltas returned. */
  get text(): string {
    return this.shown
  }

  private advance(to: number): string {
    if (to <= this.cut) return ''
    const piece = redactString(this.raw.slice(this.cut, to))
    this.cut = to
    this.shown += piece
    return piece
  }
}
