import type {Turn} from '../../core/index.js'
import {toolResultText, turnSegments} from '../http/turn-segments.js'
import type {OpenAiChatMessage} from './openai-chat-api.js'

/**
 * Turn → Chat Completions messages. Each assistant message carries its text and tool calls and is
 * followed by one `tool` message per call, in call order. Reasoning is not sent back: the Chat
 * Completions API has no field for it.
 */
export function convertToOpenAiChatMessages(turn: Turn): OpenAiChatMessage[] {
  const messages: OpenAiChatMessage[] = []
  for (const segment of turnSegments(turn)) {
    if (segment.kind === 'system' || segment.kind === 'user') {
      messages.push({role: segment.kind, content: segment.text})
      continue
    }
    if (segment.text === '' && segment.calls.length === 0) continue
    const assistant: OpenAiChatMessage = {role: 'assistant', content: segment.text === '' ? null : segment.text}
    if (segment.calls.length > 0) {
      assistant.tool_calls = segment.calls.map(({call}) => ({
        id: call.id,
        type: 'function',
        function: {name: call.name, arguments: JSON.stringify(call.args)},
      }))
    }
    messages.push(assistant)
    for (const {call, result} of segment.calls) messages.push({role: 'tool', tool_call_id: call.id, content: toolResultText(result)})
  }
  return messages
}
