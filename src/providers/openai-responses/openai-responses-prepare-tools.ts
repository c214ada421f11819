import type {ToolDefinition} from '../../core/index.js'
import type {ResponsesTool} from './openai-responses-api.js'

export function prepareResponsesTools(tools: readonly ToolDefinition[]): ResponsesTool[] | undefined {
  if (tools.length === 0) return undefined
  return tools.map((tool) => ({
    type: 'function',
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    strict: false,
  }))
}
