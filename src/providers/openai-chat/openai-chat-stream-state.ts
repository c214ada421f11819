import {ProviderError, type FinishInfo, type StreamingMessage} from '../../core/index.js'
import {errorInfoFromJson} from '../http/extract-error-message.js'
import {parseToolArguments} from '../http/parse-stream-chunk.js'
import type {OpenAiChatChunk, OpenAiChatToolCallDelta} from './openai-chat-api.js'
import {normalizeUsage} from '../http/normalize-usage.js'

interface PendingCall {
  id: string
  name: string
  args: string
}

/**
 * Chat Completions chunks → StreamingMessage. Tool calls arrive as fragments keyed by `index`;
 * they are announced once the choice finishes, arguments complete. Usage comes in a later chunk
 * with no choices, so the stream is read to its end.
 */
export class OpenAiChatStreamState {
  private readonly calls = new Map<number, PendingCall>()
  private finishReason: string | undefined
  private usage: Record<string, unknown> | undefined

  constructor(
    private readonly message: StreamingMessage,
    private readonly label: string,
  ) {}

  accept(chunk: OpenAiChatChunk): void {
    if ('error' in chunk) {
      const info = errorInfoFromJson(chunk)
      throw new ProviderError(`${this.label}: ${info?.message ?? 'error in stream'}`, {code: info?.code ?? 'stream_error'})
    }
    if (chunk.usage) this.usage = chunk.usage
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0) continue
      const delta = choice.delta
      if (delta) {
        const thinking = delta.reasoning_content ?? delta.reasoning
        if (thinking) this.message.thinkingDelta(thinking)
        if (delta.content) this.message.textDelta(delta.content)
        if (delta.refusal) {
          this.message.setTextMetadata({refusal: true})
          this.message.textDelta(delta.refusal)
        }
        delta.tool_calls?.forEach((fragment, position) => this.addFragment(fragment, position))
      }
      if (choice.finish_reason && this.finishReason === undefined) {
        this.finishReason = choice.finish_reason
        this.announceCalls()
      }
    }
  }

  /** After the last chunk: the finish info, or an error when the stream ended before the model finished. */
  end(): FinishInfo {
    if (this.finishReason === undefined) {
      throw new ProviderError(`${this.label}: the stream ended before the model finished (no finish_reason)`, {code: 'stream_truncated'})
    }
    const usage = normalizeUsage('openai-chat', this.usage)
    return {stopReason: this.finishReason, ...(usage ? {usage} : {})}
  }

  private addFragment(fragment: OpenAiChatToolCallDelta, position: number): void {
    const index = fragment.index ?? position
    let pending = this.calls.get(index)
    if (!pending) {
      pending = {id: '', name: '', args: ''}
      this.calls.set(index, pending)
    }
    // Some compatible servers repeat id and name on every fragment; the first one counts.
    if (fragment.id && !pending.id) pending.id = fragment.id
    if (fragment.function?.name && !pending.name) pending.name = fragment.function.name
    if (fragment.function?.arguments) pending.args += fragment.function.arguments
  }

  private announceCalls(): void {
    const ordered = [...this.calls.entries()].sort(([a], [b]) => a - b)
    for (const [index, pending] of ordered) {
      if (!pending.name) throw new ProviderError(`${this.label}: tool call #${index} has no name`, {code: 'bad_chunk'})
      const id = pending.id || `call_${index}`
      this.message.toolCall({id, name: pending.name, args: parseToolArguments(pending.args, pending.name, this.label)})
    }
    this.calls.clear()
  }
}
