import {z} from 'zod'

/** The part of an MCP `CallToolResult` jiminy reads; the SDK has already checked its shape. */
export const McpCallResultSchema = z
  .object({
    content: z.array(z.object({type: z.string()}).loose()).default([]),
    structuredContent: z.record(z.string(), z.unknown()).optional(),
    isError: z.boolean().optional(),
  })
  .loose()
export type McpCallResult = z.infer<typeof McpCallResultSchema>

/** A tool's own failure (`isError: true`): a tool error whose message is what the tool said. */
export class McpToolResultError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'McpToolResultError'
  }
}

/**
 * An MCP result as a jiminy tool result: the structured content when the tool gives one, else its
 * text (one text part → the string, several → joined by newlines), else the content parts as they
 * are (images, resources). `isError` throws, so the ToolExecutor makes it the ToolUse's `error`.
 */
export function toolResultOf(result: McpCallResult): unknown {
  const texts = result.content.flatMap((c) => (c.type === 'text' && typeof c.text === 'string' ? [c.text] : []))
  if (result.isError) throw new McpToolResultError(texts.join('\n') || 'the tool reported an error without a message')
  if (result.structuredContent !== undefined) return result.structuredContent
  if (texts.length > 0 && result.content.every((c) => c.type === 'text')) return texts.join('\n')
  return {content: result.content}
}
