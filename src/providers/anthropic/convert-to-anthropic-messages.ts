import {blockText, type Turn} from '../../core/index.js'
import {providerMetadata, sortByProviderIndex, turnSegments, toolResultText} from '../http/turn-segments.js'
import type {AnthropicContent, AnthropicMessage} from './anthropic-api.js'
import {ANTHROPIC_METADATA_KEY} from './anthropic-metadata.js'

/**
 * Turn → Messages API `system` + `messages`. Assistant content goes back in the order Claude
 * produced it, thinking blocks with their signatures untouched (redacted thinking as its data);
 * thinking from another provider has no signature and is dropped. Tool results become
 * `tool_result` blocks in the next user message; consecutive same-role messages are merged.
 */
export function convertToAnthropicMessages(turn: Turn): {system?: string; messages: AnthropicMessage[]} {
  const system: string[] = []
  const messages: AnthropicMessage[] = []
  const push = (role: AnthropicMessage['role'], content: AnthropicContent[]) => {
    if (content.length === 0) return
    const last = messages.at(-1)
    if (last?.role === role) last.content.push(...content)
    else messages.push({role, content})
  }
  for (const segment of turnSegments(turn)) {
    if (segment.kind === 'system') {
      system.push(segment.text)
      continue
    }
    if (segment.kind === 'user') {
      if (segment.text !== '') push('user', [{type: 'text', text: segment.text}])
      continue
    }
    const content: AnthropicContent[] = []
    let textSent = false
    for (const block of sortByProviderIndex(segment.blocks, ANTHROPIC_METADATA_KEY, 'index')) {
      const meta = providerMetadata(block, ANTHROPIC_METADATA_KEY)
      if (block.kind === 'reasoning') {
        if (typeof meta?.redacted_data === 'string') content.push({type: 'redacted_thinking', data: meta.redacted_data})
        else if (typeof meta?.signature === 'string' && meta.signature !== '')
          content.push({type: 'thinking', thinking: blockText(block), signature: meta.signature})
      } else if (block.kind === 'llm_text') {
        if (textSent || segment.text === '') continue
        textSent = true
        content.push({type: 'text', text: segment.text})
      } else if (block.kind === 'tool_call') {
        const paired = segment.calls.find((c) => c.block === block)
        if (paired) content.push({type: 'tool_use', id: paired.call.id, name: paired.call.name, input: paired.call.args})
      }
    }
    push('assistant', content)
    push(
      'user',
      segment.calls.map(({call, result}) => ({
        type: 'tool_result',
        tool_use_id: call.id,
        content: toolResultText(result),
        ...(result.error !== undefined ? {is_error: true as const} : {}),
      })),
    )
  }
  return {...(system.length > 0 ? {system: system.join('\n\n')} : {}), messages}
}
