import type {Turn} from '../../core/index.js'
import {providerMetadata, sortByProviderIndex, toolResultText, turnSegments} from '../http/turn-segments.js'
import type {ResponsesInputItem} from './openai-responses-api.js'
import {RESPONSES_METADATA_KEY} from './responses-metadata.js'

/**
 * Turn → Responses `input` items. An assistant message goes back as the items the API produced, in
 * their output order: reasoning items (id, summary and encrypted content) before the function
 * calls they led to, then the function call outputs. Reasoning from another provider is dropped.
 */
export function convertToResponsesInput(turn: Turn): ResponsesInputItem[] {
  const input: ResponsesInputItem[] = []
  for (const segment of turnSegments(turn)) {
    if (segment.kind === 'system' || segment.kind === 'user') {
      input.push({role: segment.kind, content: segment.text})
      continue
    }
    let textSent = false
    for (const block of sortByProviderIndex(segment.blocks, RESPONSES_METADATA_KEY, 'output_index')) {
      const meta = providerMetadata(block, RESPONSES_METADATA_KEY)
      const itemId = typeof meta?.item_id === 'string' ? meta.item_id : undefined
      if (block.kind === 'reasoning') {
        if (!itemId) continue
        const summary = Array.isArray(meta?.summary) ? (meta.summary as {type: 'summary_text'; text: string}[]) : []
        const item: ResponsesInputItem = {type: 'reasoning', id: itemId, summary}
        if (typeof meta?.encrypted_content === 'string') item.encrypted_content = meta.encrypted_content
        input.push(item)
      } else if (block.kind === 'llm_text') {
        // Text split over several blocks goes back once, joined, where the first one was.
        if (textSent || segment.text === '') continue
        textSent = true
        input.push({
          type: 'message',
          role: 'assistant',
          ...(itemId ? {id: itemId} : {}),
          content: [{type: 'output_text', text: segment.text, annotations: []}],
        })
      } else if (block.kind === 'tool_call') {
        const paired = segment.calls.find((c) => c.block === block)
        if (!paired) continue
        input.push({
          type: 'function_call',
          ...(itemId ? {id: itemId} : {}),
          call_id: paired.call.id,
          name: paired.call.name,
          arguments: JSON.stringify(paired.call.args),
        })
      }
    }
    for (const {call, result} of segment.calls) input.push({type: 'function_call_output', call_id: call.id, output: toolResultText(result)})
  }
  return input
}
