import type {Block, Turn} from '../../core/index.js'

/** A UI message part as the AI SDK's `validateUIMessages` (package `ai` v5–v7) accepts it; only the kinds jiminy makes. */
export type UIMessagePart =
  | {readonly type: 'step-start'}
  | {readonly type: 'text'; readonly text: string; readonly state: 'done'}
  | {readonly type: 'reasoning'; readonly text: string; readonly state: 'done'}
  | {readonly type: `tool-${string}`; readonly toolCallId: string; readonly state: 'input-available'; readonly input: unknown}
  | {
      readonly type: `tool-${string}`
      readonly toolCallId: string
      readonly state: 'output-available'
      readonly input: unknown
      readonly output: unknown
    }
  | {
      readonly type: `tool-${string}`
      readonly toolCallId: string
      readonly state: 'output-error'
      readonly input: unknown
      readonly errorText: string
    }

/** A UI message (`UIMessage` of package `ai`): the history a `useChat` page loads after a reload. */
export interface UIMessage {
  readonly id: string
  readonly role: 'user' | 'assistant'
  readonly parts: UIMessagePart[]
}

type ToolPart = Extract<UIMessagePart, {toolCallId: string}>

/**
 * A conversation's snapshot Turn as UI messages: each user block is a user message; the assistant
 * blocks that follow it (text, reasoning, tool calls and their results, over every inference of the
 * run) are one assistant message, as the stream made one per run, with a `step-start` before each
 * inference. A tool call with its result is `output-available`, with an error (a failed, skipped or
 * denied call) `output-error`, without one yet `input-available`. System and `other` blocks are not
 * shown. Ids are the blocks' (the first block of an assistant message names it).
 */
export function uiMessagesOf(turn: Turn): UIMessage[] {
  const messages: UIMessage[] = []
  const tools = new Map<string, {readonly parts: UIMessagePart[]; readonly index: number}>()
  let assistant: UIMessage | undefined
  let afterTools = false
  const assistantParts = (block: Block): UIMessagePart[] => {
    if (!assistant) {
      messages.push((assistant = {id: block.id, role: 'assistant', parts: [{type: 'step-start'}]}))
    } else if (afterTools) {
      assistant.parts.push({type: 'step-start'})
    }
    afterTools = false
    return assistant.parts
  }
  for (const block of turn.blocks) {
    switch (block.kind) {
      case 'user':
        assistant = undefined
        messages.push({id: block.id, role: 'user', parts: [{type: 'text', text: textOf(block), state: 'done'}]})
        break
      case 'llm_text':
        assistantParts(block).push({type: 'text', text: textOf(block), state: 'done'})
        break
      case 'reasoning': {
        // Thinking opens its message (StreamingMessage starts it after the first thinking chunk): the
        // stream sends the step's start after the reasoning, and the history says the same.
        const opens = !assistant || afterTools
        const parts = assistantParts(block)
        parts.splice(opens ? parts.length - 1 : parts.length, 0, {type: 'reasoning', text: textOf(block), state: 'done'})
        break
      }
      case 'tool_call': {
        const {id, name, args} = block.payload as {id: string; name: string; args: unknown}
        const parts = assistantParts(block)
        tools.set(id, {parts, index: parts.length})
        parts.push({type: `tool-${name}`, toolCallId: id, state: 'input-available', input: args})
        break
      }
      case 'tool_use': {
        const {id, result, error} = block.payload as {id: string; result: unknown; error?: string}
        const call = tools.get(id)
        if (!call) break
        const part = call.parts[call.index] as ToolPart
        const base = {type: part.type, toolCallId: id, input: part.input}
        call.parts[call.index] =
          error !== undefined
            ? {...base, state: 'output-error', errorText: error}
            : {...base, state: 'output-available', output: result ?? null}
        afterTools = true
        break
      }
      case 'system':
      case 'other':
        break
      default: {
        const exhaustive: never = block.kind
        throw new Error(`unhandled block kind ${String(exhaustive)}`)
      }
    }
  }
  return messages
}

function textOf(block: Block): string {
  const text = block.payload.text
  return typeof text === 'string' ? text : ''
}
