import type {ToolDefinition} from '../../core/index.js'
import type {GeminiRequest} from './gemini-api.js'

/** Tools as one `functionDeclarations` group; `parametersJsonSchema` takes the JSON Schema unchanged. */
export function prepareGeminiTools(tools: readonly ToolDefinition[]): GeminiRequest['tools'] {
  if (tools.length === 0) return undefined
  return [
    {functionDeclarations: tools.map((tool) => ({name: tool.name, description: tool.description, parametersJsonSchema: tool.parameters}))},
  ]
}
