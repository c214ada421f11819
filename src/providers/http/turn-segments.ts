import {blockText, toolCallOf, toolUseOf, type Block, type ToolCall, type ToolUse, type Turn} from '../../core/index.js'

/** One assistant message as providers need it back: its blocks in order, and each call with its result. */
export interface AssistantSegment {
  readonly kind: 'assistant'
  /** reasoning, llm_text and tool_call blocks of one inference, in turn order. */
  readonly blocks: readonly Block[]
  readonly text: string
  readonly calls: readonly {call: ToolCall; block: Block; result: ToolUse}[]
}

export type TurnSegment =
  {readonly kind: 'system'; readonly text: string} | {readonly kind: 'user'; readonly text: string} | AssistantSegment

const ASSISTANT_KINDS = new Set(['llm_text', 'reasoning', 'tool_call'])

/**
 * Splits a turn into the messages every provider API wants: system, user, and assistant messages
 * whose tool calls are each paired with their result, wherever the result block sits. A call with
 * no result (a cancelled run) gets an error result so the provider accepts the history; a result
 * with no call is dropped. Blocks of kind `other` are not sent.
 */
export function turnSegments(turn: Turn): TurnSegment[] {
  const results = new Map<string, ToolUse>()
  for (const block of turn.blocks) {
    const use = toolUseOf(block)
    if (use && !results.has(use.id)) results.set(use.id, use)
  }
  const segments: TurnSegment[] = []
  let open: Block[] = []
  const flush = () => {
    if (open.length === 0) return
    segments.push(assistantSegment(open, results))
    open = []
  }
  for (const block of turn.blocks) {
    if (ASSISTANT_KINDS.has(block.kind)) {
      open.push(block)
      continue
    }
    flush()
    if (block.kind === 'system') segments.push({kind: 'system', text: blockText(block)})
    else if (block.kind === 'user') segments.push({kind: 'user', text: blockText(block)})
  }
  flush()
  return segments
}

function assistantSegment(blocks: Block[], results: Map<string, ToolUse>): AssistantSegment {
  const text = blocks
    .filter((b) => b.kind === 'llm_text')
    .map(blockText)
    .join('')
  const calls: AssistantSegment['calls'][number][] = []
  for (const block of blocks) {
    const call = toolCallOf(block)
    if (!call) continue
    calls.push({
      call,
      block,
      result: results.get(call.id) ?? {id: call.id, result: null, error: 'no result: the run ended before this tool finished'},
    })
  }
  return {kind: 'assistant', blocks, text, calls}
}

/** A tool result as text, for APIs whose tool messages carry a string. */
export function toolResultText(use: ToolUse): string {
  if (use.error !== undefined) return `Error: ${use.error}`
  if (typeof use.result === 'string') return use.result
  return JSON.stringify(use.result ?? null)
}

/** Provider-specific data an engine stored in a block's metadata under its own key. */
export function providerMetadata(block: Block, key: string): Record<string, unknown> | undefined {
  const value = block.metadata[key]
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/** Stable sort of blocks by a numeric position stored in provider metadata; blocks without one keep their place. */
export function sortByProviderIndex(blocks: readonly Block[], key: string, field: string): Block[] {
  const position = (b: Block) => {
    const v = providerMetadata(b, key)?.[field]
    return typeof v === 'number' ? v : undefined
  }
  if (!blocks.every((b) => position(b) !== undefined)) return [...blocks]
  return [...blocks].sort((a, b) => position(a)! - position(b)!)
}
