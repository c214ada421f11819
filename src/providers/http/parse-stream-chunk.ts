import type {z} from 'zod'
import {ProviderError} from '../../core/index.js'

/** JSON-parses one SSE data payload and checks it against the wire schema; a bad chunk names what was wrong. */
export function parseStreamChunk<S extends z.ZodType>(schema: S, data: string, label: string): z.infer<S> {
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    throw new ProviderError(`${label}: bad stream chunk (not JSON): ${data.slice(0, 200)}`, {code: 'bad_chunk'})
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)'
    throw new ProviderError(`${label}: bad stream chunk: ${where}: ${issue?.message ?? 'rejected'} in ${data.slice(0, 200)}`, {
      code: 'bad_chunk',
    })
  }
  return parsed.data
}

/** Tool-call arguments as the model streamed them: empty means `{}`; anything but a JSON object is an error. */
export function parseToolArguments(text: string, toolName: string, label: string): Record<string, unknown> {
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new ProviderError(`${label}: tool call ${toolName} has incomplete or invalid JSON arguments: ${text.slice(0, 200)}`, {
      code: 'bad_tool_arguments',
    })
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProviderError(`${label}: tool call ${toolName} arguments are not a JSON object: ${text.slice(0, 200)}`, {
      code: 'bad_tool_arguments',
    })
  }
  return value as Record<string, unknown>
}
