import {explainConfigDiff, renderConfigDiff} from '../engine/explain-diff.js'
import type {ConversationRebuilds, Rebuild} from './conversation-client.js'

/** The reasons of a rebuild: recorded ones, else recomputed from recorded configs, else the reason line. */
export function rebuildReasons(rebuild: Rebuild): string[] {
  if (rebuild.reasons && rebuild.reasons.length > 0) return rebuild.reasons
  const config = (side: unknown) => (side && typeof side === 'object' && 'config' in side ? side.config : undefined)
  const from = config(rebuild.from)
  const to = config(rebuild.to)
  if (from && to) return explainConfigDiff(from, to).reasons
  return [rebuild.reason]
}

const hashOf = (side: unknown): string =>
  typeof side === 'string' ? side : side && typeof side === 'object' && 'hash' in side ? String(side.hash) : '?'

/** Every rebuild of a conversation, printed the way `jiminy diff` prints one difference. */
export function formatRebuilds(conversation: ConversationRebuilds, options: {color?: boolean} = {}): string {
  const lines = [
    `conversation ${conversation.conv_id}  profile ${conversation.profile}  signature ${conversation.signature}  rebuilds ${conversation.rebuilds.length}`,
  ]
  conversation.rebuilds.forEach((rebuild, i) => {
    lines.push('', `#${i + 1} ${rebuild.at}  ${hashOf(rebuild.from)} → ${hashOf(rebuild.to)}`)
    for (const reason of rebuildReasons(rebuild)) lines.push(`  ${reason}`)
    const diff = renderConfigDiff(rebuild.diff, options).trimEnd()
    if (diff) lines.push(diff)
  })
  return lines.join('\n')
}
