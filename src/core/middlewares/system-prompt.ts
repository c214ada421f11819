import type {Middleware} from '../middleware.js'
import {systemBlock, type Turn} from '../turn.js'

/** Metadata key marking the block this middleware owns, so it is updated rather than inserted twice. */
export const SYSTEM_PROMPT_MARK = 'jiminy.system_prompt'

/**
 * Ensures the turn starts with exactly one system block carrying `prompt`. Idempotent: running it
 * on a snapshot that already has its marked block replaces that block's text instead of adding one.
 */
export function systemPromptMiddleware(prompt: string): Middleware {
  return (next) => (turn, ctx) => next(withSystemPrompt(turn, prompt), ctx)
}

export function withSystemPrompt(turn: Turn, prompt: string): Turn {
  const marked = turn.blocks.findIndex((b) => b.kind === 'system' && b.metadata[SYSTEM_PROMPT_MARK] === true)
  if (marked >= 0) {
    const existing = turn.blocks[marked]!
    if (existing.payload.text === prompt) return turn
    const blocks = [...turn.blocks]
    blocks[marked] = {...existing, payload: {...existing.payload, text: prompt}}
    return {...turn, blocks}
  }
  return {...turn, blocks: [systemBlock(prompt, {[SYSTEM_PROMPT_MARK]: true}), ...turn.blocks]}
}
