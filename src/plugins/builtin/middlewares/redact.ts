import {z} from 'zod'
import {REDACTED, redactString, type Middleware, type Turn} from '../../../core/index.js'
import {defineMiddleware} from '../../api.js'

export const RedactConfigSchema = z
  .object({
    /** Extra regular expressions (JavaScript source, applied globally) whose matches are scrubbed. */
    patterns: z
      .array(
        z.string().refine((source) => {
          try {
            new RegExp(source, 'g')
            return true
          } catch {
            return false
          }
        }, 'must be a valid regular expression'),
      )
      .max(32)
      .default([]),
    replacement: z.string().max(64).default(REDACTED),
  })
  .strict()
export type RedactConfig = z.infer<typeof RedactConfigSchema>

/**
 * Scrubs secrets (well-known API key shapes plus `patterns`) from user text before the engine sees
 * it. The scrubbed text is what the conversation keeps, so a pasted key never reaches a provider,
 * a snapshot or a fixture.
 */
export function redactMiddleware(config: RedactConfig): Middleware {
  const patterns = config.patterns.map((source) => new RegExp(source, 'g'))
  const scrub = (text: string) =>
    patterns.reduce((t, re) => t.replace(re, config.replacement), redactString(text).replaceAll(REDACTED, config.replacement))
  return (next) => (turn, ctx) => next(scrubUserText(turn, scrub), ctx)
}

function scrubUserText(turn: Turn, scrub: (text: string) => string): Turn {
  let changed = false
  const blocks = turn.blocks.map((block) => {
    const text = block.payload.text
    if (block.kind !== 'user' || typeof text !== 'string') return block
    const clean = scrub(text)
    if (clean === text) return block
    changed = true
    return {...block, payload: {...block.payload, text: clean}}
  })
  return changed ? {...turn, blocks} : turn
}

export const redactContribution = defineMiddleware({
  name: 'redact',
  description: 'scrub API keys and configured patterns from user text before the engine',
  config: RedactConfigSchema,
  create: (config) => redactMiddleware(config),
})
