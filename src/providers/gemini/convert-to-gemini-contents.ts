import {blockText, type Turn} from '../../core/index.js'
import {providerMetadata, turnSegments} from '../http/turn-segments.js'
import type {GeminiContent, GeminiRequestPart} from './gemini-api.js'
import {GEMINI_METADATA_KEY} from './gemini-metadata.js'

/**
 * Turn → Gemini `systemInstruction` + `contents`. Thought signatures go back on the part that
 * carried them (text, function call, or a thought part); thoughts without a Gemini signature are
 * not sent. Tool results become `functionResponse` parts (by name, and id when Gemini gave one).
 */
export function convertToGeminiContents(turn: Turn): {systemInstruction?: {parts: {text: string}[]}; contents: GeminiContent[]} {
  const system: string[] = []
  const contents: GeminiContent[] = []
  const push = (role: GeminiContent['role'], parts: GeminiRequestPart[]) => {
    if (parts.length === 0) return
    const last = contents.at(-1)
    if (last?.role === role) last.parts.push(...parts)
    else contents.push({role, parts})
  }
  for (const segment of turnSegments(turn)) {
    if (segment.kind === 'system') {
      system.push(segment.text)
      continue
    }
    if (segment.kind === 'user') {
      if (segment.text !== '') push('user', [{text: segment.text}])
      continue
    }
    const parts: GeminiRequestPart[] = []
    let textSent = false
    for (const block of segment.blocks) {
      const meta = providerMetadata(block, GEMINI_METADATA_KEY)
      const signature = typeof meta?.thoughtSignature === 'string' ? meta.thoughtSignature : undefined
      if (block.kind === 'reasoning') {
        if (signature) parts.push({text: blockText(block), thought: true, thoughtSignature: signature})
      } else if (block.kind === 'llm_text') {
        if (textSent || segment.text === '') continue
        textSent = true
        parts.push({text: segment.text, ...(signature ? {thoughtSignature: signature} : {})})
      } else if (block.kind === 'tool_call') {
        const paired = segment.calls.find((c) => c.block === block)
        if (!paired) continue
        const id = typeof meta?.id === 'string' ? meta.id : undefined
        parts.push({
          functionCall: {name: paired.call.name, args: paired.call.args, ...(id ? {id} : {})},
          ...(signature ? {thoughtSignature: signature} : {}),
        })
      }
    }
    push('model', parts)
    push(
      'user',
      segment.calls.map(({call, block, result}) => {
        const id = providerMetadata(block, GEMINI_METADATA_KEY)?.id
        const response = result.error !== undefined ? {error: result.error} : {result: result.result ?? null}
        return {functionResponse: {name: call.name, response, ...(typeof id === 'string' ? {id} : {})}}
      }),
    )
  }
  return {...(system.length > 0 ? {systemInstruction: {parts: [{text: system.join('\n\n')}]}} : {}), contents}
}
