import {newId, ProviderError, type FinishInfo, type StreamingMessage} from '../../core/index.js'
import type {GeminiChunk, GeminiPart} from './gemini-api.js'
import {GEMINI_METADATA_KEY, GEMINI_REFUSAL_REASONS, type GeminiPartMetadata} from './gemini-metadata.js'
import {normalizeUsage} from '../http/normalize-usage.js'

/**
 * Gemini chunks → StreamingMessage. Parts arrive whole: text (thought or not) is streamed, each
 * functionCall is complete on arrival. The chunk with `finishReason` ends the message; usage is
 * the last `usageMetadata` seen (Gemini repeats it, cumulative).
 */
export class GeminiStreamState {
  private finishReason: string | undefined
  private usage: Record<string, unknown> | undefined

  constructor(
    private readonly message: StreamingMessage,
    private readonly label: string,
  ) {}

  accept(chunk: GeminiChunk): void {
    if ('error' in chunk && chunk.error) {
      const error = chunk.error as {message: string; status?: string | null; code?: number | null}
      throw new ProviderError(`${this.label}: ${error.message}`, {
        code: error.status ?? (error.code != null ? String(error.code) : 'stream_error'),
      })
    }
    if (!('candidates' in chunk) && !('usageMetadata' in chunk) && !('promptFeedback' in chunk)) return
    const c = chunk as Extract<GeminiChunk, {candidates?: unknown}>
    if (c.usageMetadata) this.usage = c.usageMetadata
    const candidate = c.candidates?.[0]
    for (const part of candidate?.content?.parts ?? []) this.part(part)
    const blocked = c.promptFeedback?.blockReason
    const reason = candidate?.finishReason ?? (blocked && !candidate ? blocked : undefined)
    if (reason) {
      this.finishReason = reason
      if (GEMINI_REFUSAL_REASONS.has(reason) || reason === blocked) this.message.setTextMetadata({refusal: true})
    }
  }

  end(): FinishInfo {
    if (this.finishReason === undefined)
      throw new ProviderError(`${this.label}: the stream ended before a finishReason`, {code: 'stream_truncated'})
    const usage = normalizeUsage('gemini', this.usage)
    return {stopReason: this.finishReason, ...(usage ? {usage} : {})}
  }

  private part(part: GeminiPart): void {
    const signature: GeminiPartMetadata = part.thoughtSignature ? {thoughtSignature: part.thoughtSignature} : {}
    if (part.functionCall) {
      const fc = part.functionCall
      const meta: GeminiPartMetadata = {...signature, ...(fc.id ? {id: fc.id} : {})}
      this.message.toolCall({id: fc.id ?? newId('call'), name: fc.name, args: fc.args ?? {}}, {[GEMINI_METADATA_KEY]: meta})
      return
    }
    if (typeof part.text !== 'string') return
    if (part.thought) {
      this.message.thinkingDelta(part.text)
      if (part.thoughtSignature) this.message.setReasoningMetadata({[GEMINI_METADATA_KEY]: signature})
      return
    }
    this.message.textDelta(part.text)
    if (part.thoughtSignature) this.message.setTextMetadata({[GEMINI_METADATA_KEY]: signature})
  }
}
