import {ProviderError, type FinishInfo, type StreamingMessage} from '../../core/index.js'
import {parseToolArguments} from '../http/parse-stream-chunk.js'
import {
  FunctionCallItemSchema,
  MessageItemSchema,
  ReasoningItemSchema,
  type OutputItem,
  type ResponsesEvent,
} from './openai-responses-api.js'
import {RESPONSES_METADATA_KEY, type ResponsesItemMetadata} from './responses-metadata.js'
import {normalizeUsage} from '../http/normalize-usage.js'

/**
 * Responses streaming events → StreamingMessage. Each output item closes with
 * `response.output_item.done`, which carries the complete item: reasoning becomes its own
 * reasoning block (so several go back in order), a function call is announced with its final
 * arguments. `response.completed` / `response.incomplete` end the message.
 */
export class OpenAiResponsesStreamState {
  private readonly summaryIndex = new Map<number, number>()
  private textMetadataSet = false
  private finish: FinishInfo | undefined

  constructor(
    private readonly message: StreamingMessage,
    private readonly label: string,
  ) {}

  accept(event: ResponsesEvent): void {
    switch (event.type) {
      case 'response.output_text.delta':
        this.message.textDelta(event.delta)
        return
      case 'response.refusal.delta':
        this.message.setTextMetadata({refusal: true})
        this.message.textDelta(event.delta)
        return
      case 'response.reasoning_summary_text.delta': {
        const last = this.summaryIndex.get(event.output_index)
        if (last !== undefined && last !== event.summary_index) this.message.thinkingDelta('\n\n')
        this.summaryIndex.set(event.output_index, event.summary_index)
        this.message.thinkingDelta(event.delta)
        return
      }
      case 'response.reasoning_text.delta':
        this.message.thinkingDelta(event.delta)
        return
      case 'response.output_item.done':
        this.itemDone(event.output_index, event.item)
        return
      case 'response.completed':
      case 'response.incomplete': {
        const r = event.response
        const stopReason = r.incomplete_details?.reason ?? r.status ?? (event.type === 'response.completed' ? 'completed' : 'incomplete')
        const usage = normalizeUsage('openai-responses', r.usage)
        this.finish = {stopReason, ...(usage ? {usage} : {})}
        return
      }
      case 'response.failed': {
        const error = event.response.error
        throw new ProviderError(`${this.label}: ${error?.message ?? 'the response failed'}`, {code: error?.code ?? 'response_failed'})
      }
      case 'error': {
        const message = event.message ?? event.error?.message ?? 'error in stream'
        throw new ProviderError(`${this.label}: ${message}`, {code: event.code ?? event.error?.code ?? 'stream_error'})
      }
      default:
        return
    }
  }

  get done(): boolean {
    return this.finish !== undefined
  }

  end(): FinishInfo {
    if (!this.finish) throw new ProviderError(`${this.label}: the stream ended before response.completed`, {code: 'stream_truncated'})
    return this.finish
  }

  private itemDone(outputIndex: number, item: OutputItem): void {
    const meta = (id: string | null | undefined, extra: Partial<ResponsesItemMetadata> = {}): Record<string, unknown> => {
      const value: ResponsesItemMetadata = {output_index: outputIndex, ...(id ? {item_id: id} : {}), ...extra}
      return {[RESPONSES_METADATA_KEY]: value}
    }
    const reasoning = ReasoningItemSchema.safeParse(item)
    if (reasoning.success) {
      const r = reasoning.data
      const summary = (r.summary ?? []).map((s) => ({type: 'summary_text' as const, text: s.text}))
      this.message.reasoningPart(meta(r.id, {summary, ...(r.encrypted_content ? {encrypted_content: r.encrypted_content} : {})}))
      return
    }
    const call = FunctionCallItemSchema.safeParse(item)
    if (call.success) {
      const c = call.data
      this.message.toolCall({id: c.call_id, name: c.name, args: parseToolArguments(c.arguments, c.name, this.label)}, meta(c.id))
      return
    }
    if (item.type === 'reasoning' || item.type === 'function_call') {
      const issue = (item.type === 'reasoning' ? reasoning.error : call.error)?.issues[0]
      throw new ProviderError(`${this.label}: bad ${item.type} item: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'rejected'}`, {
        code: 'bad_chunk',
      })
    }
    const text = MessageItemSchema.safeParse(item)
    if (text.success && !this.textMetadataSet) {
      this.textMetadataSet = true
      this.message.setTextMetadata(meta(text.data.id))
    }
  }
}
