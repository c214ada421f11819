import type {Middleware} from '../middleware.js'
import {toolCallOf, toolUseOf, type Block, type Turn} from '../turn.js'

/**
 * Providers reject a conversation where a tool result does not follow its call. This moves every
 * tool_use block directly after the group of tool_call blocks it answers, keeping relative order.
 */
export function toolResultReorderMiddleware(): Middleware {
  return (next) => (turn, ctx) => next(reorderToolResults(turn), ctx)
}

export function reorderToolResults(turn: Turn): Turn {
  const callIds = new Set<string>()
  for (const b of turn.blocks) {
    const call = toolCallOf(b)
    if (call) callIds.add(call.id)
  }
  const results = new Map<string, Block>()
  for (const b of turn.blocks) {
    const use = toolUseOf(b)
    if (use && callIds.has(use.id) && !results.has(use.id)) results.set(use.id, b)
  }
  if (results.size === 0) return turn

  const out: Block[] = []
  const blocks = turn.blocks
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!
    const use = toolUseOf(block)
    if (use && results.get(use.id) === block) continue // emitted after its call
    out.push(block)
    const call = toolCallOf(block)
    if (!call) continue
    // Emit results once the run of consecutive tool calls ends, so parallel calls stay grouped.
    const next = blocks[i + 1]
    if (next && toolCallOf(next)) continue
    let j = i
    while (j >= 0 && toolCallOf(blocks[j]!)) j--
    for (let k = j + 1; k <= i; k++) {
      const groupCall = toolCallOf(blocks[k]!)!
      const result = results.get(groupCall.id)
      if (result) out.push(result)
    }
  }
  const same = out.length === blocks.length && out.every((b, i) => b === blocks[i])
  return same ? turn : {...turn, blocks: out}
}
