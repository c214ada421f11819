import type {ToolDefinition} from '../../core/index.js'
import type {AnthropicTool} from './anthropic-api.js'

export function prepareAnthropicTools(tools: readonly ToolDefinition[]): AnthropicTool[] | undefined {
  if (tools.length === 0) return undefined
  return tools.map((tool) => ({name: tool.name, description: tool.description, input_schema: tool.parameters}))
}
