import {z} from 'zod'
import {newId} from './ids.js'

export const BLOCK_KINDS = ['system', 'user', 'llm_text', 'reasoning', 'tool_call', 'tool_use', 'other'] as const
export type BlockKind = (typeof BLOCK_KINDS)[number]

export const ToolCallSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
})
export type ToolCall = z.infer<typeof ToolCallSchema>

export const ToolUseSchema = z.object({
  id: z.string().min(1),
  result: z.unknown(),
  error: z.string().optional(),
})
export type ToolUse = z.infer<typeof ToolUseSchema>

export const BlockSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(BLOCK_KINDS),
  role: z.string().optional(),
  payload: z.record(z.string(), z.unknown()),
  metadata: z.record(z.string(), z.unknown()),
})
export type Block = z.infer<typeof BlockSchema>

export const TurnSchema = z.object({
  id: z.string().min(1),
  blocks: z.array(BlockSchema),
  metadata: z.record(z.string(), z.unknown()),
  data: z.record(z.string(), z.unknown()),
})
export type Turn = z.infer<typeof TurnSchema>

export function newTurn(blocks: Block[] = [], metadata: Record<string, unknown> = {}): Turn {
  return {id: newId('turn'), blocks, metadata, data: {}}
}

/** Deep copy, so a snapshot handed to a run can never be mutated behind the session's back. */
export function cloneTurn(turn: Turn): Turn {
  return structuredClone(turn)
}

/** Returns a new Turn with the blocks appended; the input is not modified. */
export function appendBlocks(turn: Turn, ...blocks: Block[]): Turn {
  return {...turn, blocks: [...turn.blocks, ...blocks]}
}

export function newBlock(
  kind: BlockKind,
  payload: Record<string, unknown>,
  extra: {role?: string; metadata?: Record<string, unknown>} = {},
): Block {
  const block: Block = {id: newId('blk'), kind, payload, metadata: extra.metadata ?? {}}
  if (extra.role !== undefined) block.role = extra.role
  return block
}

export const systemBlock = (text: string, metadata: Record<string, unknown> = {}): Block =>
  newBlock('system', {text}, {role: 'system', metadata})
export const userBlock = (text: string): Block => newBlock('user', {text}, {role: 'user'})
export const assistantTextBlock = (text: string, metadata: Record<string, unknown> = {}): Block =>
  newBlock('llm_text', {text}, {role: 'assistant', metadata})
export const reasoningBlock = (text: string, metadata: Record<string, unknown> = {}): Block =>
  newBlock('reasoning', {text}, {role: 'assistant', metadata})
export const toolCallBlock = (call: ToolCall, metadata: Record<string, unknown> = {}): Block =>
  newBlock('tool_call', {id: call.id, name: call.name, args: call.args}, {role: 'assistant', metadata})
export const toolUseBlock = (use: ToolUse): Block => {
  const payload: Record<string, unknown> = {id: use.id, result: use.result}
  if (use.error !== undefined) payload.error = use.error
  return newBlock('tool_use', payload, {role: 'tool'})
}

/** The text of a text-bearing block (system, user, llm_text, reasoning), or '' for others. */
export function blockText(block: Block): string {
  const text = block.payload.text
  return typeof text === 'string' ? text : ''
}

export function toolCallOf(block: Block): ToolCall | undefined {
  if (block.kind !== 'tool_call') return undefined
  const parsed = ToolCallSchema.safeParse(block.payload)
  return parsed.success ? parsed.data : undefined
}

export function toolUseOf(block: Block): ToolUse | undefined {
  if (block.kind !== 'tool_use') return undefined
  const parsed = ToolUseSchema.safeParse(block.payload)
  return parsed.success ? parsed.data : undefined
}

/** Tool calls that have no tool_use block answering them yet, in the order they were made. */
export function pendingToolCalls(turn: Turn): ToolCall[] {
  const answered = new Set<string>()
  for (const block of turn.blocks) {
    const use = toolUseOf(block)
    if (use) answered.add(use.id)
  }
  const pending: ToolCall[] = []
  for (const block of turn.blocks) {
    const call = toolCallOf(block)
    if (call && !answered.has(call.id)) pending.push(call)
  }
  return pending
}

/** Text of the last user block, the prompt a run answers. */
export function lastUserText(turn: Turn): string {
  for (let i = turn.blocks.length - 1; i >= 0; i--) {
    const block = turn.blocks[i]!
    if (block.kind === 'user') return blockText(block)
  }
  return ''
}
