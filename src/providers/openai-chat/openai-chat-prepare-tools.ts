import type {ToolDefinition} from '../../core/index.js'
import type {OpenAiChatTool} from './openai-chat-api.js'

export function prepareOpenAiChatTools(tools: readonly ToolDefinition[]): OpenAiChatTool[] | undefined {
  if (tools.length === 0) return undefined
  return tools.map((tool) => ({type: 'function', function: {name: tool.name, description: tool.description, parameters: tool.parameters}}))
}
