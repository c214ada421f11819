import {ProviderError, type FinishInfo, type StreamingMessage} from '../../core/index.js'
import {parseToolArguments} from '../http/parse-stream-chunk.js'
import {AnthropicContentBlockSchema, AnthropicDeltaSchema, type AnthropicEvent} from './anthropic-api.js'
import {ANTHROPIC_METADATA_KEY, type AnthropicBlockMetadata} from './anthropic-metadata.js'
import {normalizeUsage} from '../http/normalize-usage.js'

type OpenBlock =
  | {kind: 'text'}
  | {kind: 'thinking'; signature: string}
  | {kind: 'redacted_thinking'; data: string}
  | {kind: 'tool_use'; id: string; name: string; json: string; initial: Record<string, unknown>}
  | {kind: 'ignored'}

/**
 * Messages API events → StreamingMessage. Content blocks are tracked by `index`: a thinking block
 * closes into its own reasoning block carrying its signature; a tool_use block is announced at
 * `content_block_stop` with its input JSON complete. Usage is message_start's merged with
 * message_delta's; `message_stop` ends the message.
 */
export class AnthropicStreamState {
  private readonly blocks = new Map<number, OpenBlock>()
  private usage: Record<string, unknown> = {}
  private stopReason: string | undefined
  private stopped = false
  private textMetadataSet = false

  constructor(
    private readonly message: StreamingMessage,
    private readonly label: string,
  ) {}

  accept(event: AnthropicEvent): void {
    switch (event.type) {
      case 'message_start':
        if (event.message.usage) this.usage = {...event.message.usage}
        return
      case 'content_block_start':
        return this.start(event.index, event.content_block)
      case 'content_block_delta':
        return this.delta(event.index, event.delta)
      case 'content_block_stop':
        return this.stop(event.index)
      case 'message_delta':
        if (event.delta.stop_reason) this.stopReason = event.delta.stop_reason
        if (event.delta.stop_reason === 'refusal') this.message.setTextMetadata({refusal: true})
        if (event.usage) this.usage = {...this.usage, ...event.usage}
        return
      case 'message_stop':
        this.stopped = true
        return
      case 'error':
        throw new ProviderError(`${this.label}: ${event.error.message}`, {code: event.error.type ?? 'stream_error'})
      case 'ping':
        return
    }
  }

  get done(): boolean {
    return this.stopped
  }

  end(): FinishInfo {
    if (!this.stopped) throw new ProviderError(`${this.label}: the stream ended before message_stop`, {code: 'stream_truncated'})
    const usage = normalizeUsage('anthropic', this.usage)
    return {...(this.stopReason !== undefined ? {stopReason: this.stopReason} : {}), ...(usage ? {usage} : {})}
  }

  private start(index: number, raw: {type: string}): void {
    const parsed = AnthropicContentBlockSchema.safeParse(raw)
    if (!parsed.success) {
      this.blocks.set(index, {kind: 'ignored'})
      return
    }
    const block = parsed.data
    switch (block.type) {
      case 'text':
        this.blocks.set(index, {kind: 'text'})
        this.message.textDelta(block.text)
        if (!this.textMetadataSet) {
          this.textMetadataSet = true
          this.message.setTextMetadata({[ANTHROPIC_METADATA_KEY]: {index} satisfies AnthropicBlockMetadata})
        }
        return
      case 'thinking':
        this.blocks.set(index, {kind: 'thinking', signature: block.signature ?? ''})
        this.message.thinkingDelta(block.thinking)
        return
      case 'redacted_thinking':
        this.blocks.set(index, {kind: 'redacted_thinking', data: block.data})
        return
      case 'tool_use':
        this.blocks.set(index, {kind: 'tool_use', id: block.id, name: block.name, json: '', initial: block.input ?? {}})
        return
    }
  }

  private delta(index: number, raw: {type: string}): void {
    const block = this.blocks.get(index)
    if (!block) throw new ProviderError(`${this.label}: content_block_delta for block ${index}, which never started`, {code: 'bad_chunk'})
    const parsed = AnthropicDeltaSchema.safeParse(raw)
    if (!parsed.success) return
    const delta = parsed.data
    if (delta.type === 'text_delta') this.message.textDelta(delta.text)
    else if (delta.type === 'thinking_delta') this.message.thinkingDelta(delta.thinking)
    else if (delta.type === 'signature_delta' && block.kind === 'thinking') block.signature += delta.signature
    else if (delta.type === 'input_json_delta' && block.kind === 'tool_use') block.json += delta.partial_json
  }

  private stop(index: number): void {
    const block = this.blocks.get(index)
    if (!block) throw new ProviderError(`${this.label}: content_block_stop for block ${index}, which never started`, {code: 'bad_chunk'})
    this.blocks.delete(index)
    const meta = (extra: Partial<AnthropicBlockMetadata> = {}) => ({
      [ANTHROPIC_METADATA_KEY]: {index, ...extra} satisfies AnthropicBlockMetadata,
    })
    if (block.kind === 'thinking') this.message.reasoningPart(meta(block.signature ? {signature: block.signature} : {}))
    else if (block.kind === 'redacted_thinking') this.message.reasoningPart(meta({redacted_data: block.data}))
    else if (block.kind === 'tool_use') {
      const args = block.json.trim() === '' ? block.initial : parseToolArguments(block.json, block.name, this.label)
      this.message.toolCall({id: block.id, name: block.name, args}, meta())
    }
  }
}
