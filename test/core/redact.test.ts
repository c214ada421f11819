import {describe, expect, it} from 'vitest'
import {REDACTED, redactString, registerSecret} from '../../src/core/index.js'
import {rng} from '../seeded-rng.js'

// redactString skips the secret-shape regexp when the text holds none of its literals. The
// reference is the implementation before that pre-check: the same regexp on every text.
const SECRET_VALUE =
  /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abprs]-[A-Za-z0-9-]{10,}|Bearer\s+[A-Za-z0-9._~+/=-]{16,})/g
const known: string[] = []
function reference(text: string): string {
  let out = text.replace(SECRET_VALUE, REDACTED)
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  return out
}

// Secret shapes, their near misses, and their literals in odd places.
const PIECES = [
  'sk-',
  'sk-ant-',
  'sk-proj-',
  'AIza',
  'ghp_',
  'gho_',
  'ghx_',
  'gh',
  'xoxb-',
  'xoxz-',
  'xox',
  'Bearer ',
  'Bearer\t',
  'bearer ',
  'Bearer',
  'abcdefghijklmnop',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123',
  '0123456789',
  '_-',
  '._~+/=',
  '"',
  ' ',
  '\n',
  'é',
  '🎉',
  'tok ',
  '{"type":"partial","delta":',
  'x',
  'my-registered-secret-value',
  'my-registered-secret',
]

describe('redactString', () => {
  it('gives what the regexp on every text gave, for 30,000 generated texts with and without secret shapes', () => {
    const next = rng(7)
    let scrubbed = 0
    for (let i = 0; i < 30_000; i++) {
      if (i === 15_000) {
        // The second half with registered secrets too.
        registerSecret('my-registered-secret-value', 'my-registered-secret')
        known.push('my-registered-secret-value', 'my-registered-secret')
        known.sort((a, b) => b.length - a.length)
      }
      const n = Math.floor(next() * 20)
      let text = ''
      for (let j = 0; j < n; j++) text += PIECES[Math.floor(next() * PIECES.length)]!
      const want = reference(text)
      if (want !== text) scrubbed++
      if (redactString(text) !== want) expect(redactString(text), JSON.stringify(text)).toBe(want)
    }
    // The generator makes enough real secrets for the comparison to mean something.
    expect(scrubbed).toBeGreaterThan(3000)
  })

  it('scrubs each well-known key shape', () => {
    for (const secret of [
      'sk-abcdefghijklmnopqrstuvwxyz',
      'sk-ant-api03-abcdefghijklmnop',
      `AIza${'a'.repeat(35)}`,
      `ghp_${'A'.repeat(36)}`,
      'xoxb-1234567890-abc',
      'Bearer abcdefghijklmnopqrstuv',
    ])
      expect(redactString(`{"message":"key ${secret} end"}`)).toBe(`{"message":"key ${REDACTED} end"}`)
    expect(redactString('{"delta":"tok tok word"}')).toBe('{"delta":"tok tok word"}')
  })
})
