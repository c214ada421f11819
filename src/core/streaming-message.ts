import {newId} from './ids.js'
import {publish} from './run-context.js'
import {StreamRedactor} from './stream-redactor.js'
import {assistantTextBlock, reasoningBlock, toolCallBlock, type Block, type ToolCall} from './turn.js'

export interface FinishInfo {
  readonly stopReason?: string
  readonly usage?: Record<string, unknown>
}

/**
 * How an engine streams one assistant message: it reports deltas and completed tool calls, and this
 * publishes the events (start, partial with cumulative text, partial-thinking, tool-call, final) and
 * builds the blocks to append. Every engine uses it, so every engine's events have the same shape.
 */
export class StreamingMessage {
  readonly messageId = newId('msg')
  private readonly startedAt = Date.now()
  private started = false
  private thinkingOpen = false
  private finished = false
  private textSoFar = ''
  private thinkingSoFar = ''
  /** What the events show: redacted by value, a secret split across deltas held back (the blocks keep the text as is). */
  private readonly shownText = new StreamRedactor()
  private readonly shownThinking = new StreamRedactor()
  private reasoningMetadata: Record<string, unknown> = {}
  /** Reasoning parts already closed by reasoningPart(), in the order the provider sent them. */
  private readonly reasoningParts: {text: string; metadata: Record<string, unknown>}[] = []
  private openReasoningFrom = 0
  private textMetadata: Record<string, unknown> = {}
  private readonly calls: {call: ToolCall; metadata: Record<string, unknown>}[] = []

  constructor(readonly model: string) {}

  get text(): string {
    return this.textSoFar
  }

  get thinking(): string {
    return this.thinkingSoFar
  }

  get toolCalls(): ToolCall[] {
    return this.calls.map((c) => c.call)
  }

  start(): void {
    if (this.started) return
    this.started = true
    publish({type: 'start'}, {message_id: this.messageId, model: this.model})
  }

  textDelta(delta: string): void {
    if (delta === '') return
    this.start()
    this.endThinking()
    this.textSoFar += delta
    this.publishText(this.shownText.push(delta))
  }

  private publishText(shown: string): void {
    if (shown === '') return
    publish({type: 'partial', delta: shown, completion: this.shownText.text}, {message_id: this.messageId, model: this.model})
  }

  private publishThinking(shown: string): void {
    if (shown === '') return
    publish({type: 'partial-thinking', delta: shown, completion: this.shownThinking.text}, {message_id: this.messageId, model: this.model})
  }

  thinkingDelta(delta: string): void {
    if (delta === '') return
    this.start()
    this.thinkingSoFar += delta
    this.thinkingOpen = true
    this.publishThinking(this.shownThinking.push(delta))
  }

  /** Call once the arguments are complete and parsed. */
  toolCall(call: ToolCall, metadata: Record<string, unknown> = {}): void {
    this.start()
    this.endThinking()
    this.calls.push({call, metadata})
    publish({type: 'tool-call', tool_call: call}, {message_id: call.id, model: this.model})
  }

  /** Thinking ends when the answer, a tool call or the end of the message arrives; say so once. */
  private endThinking(): void {
    if (!this.thinkingOpen) return
    this.thinkingOpen = false
    this.publishThinking(this.shownThinking.flush())
    publish({type: 'thinking-ended', text: this.shownThinking.text}, {message_id: this.messageId, model: this.model})
  }

  /** Provider data that must travel back with the reasoning (signatures, encrypted content, item ids). */
  setReasoningMetadata(metadata: Record<string, unknown>): void {
    this.reasoningMetadata = {...this.reasoningMetadata, ...metadata}
  }

  /**
   * Closes the reasoning streamed since the previous part into its own reasoning block carrying
   * `metadata` (a signature, an encrypted item, a redacted payload). For providers that send
   * several reasoning items which must go back one by one; events are unchanged.
   */
  reasoningPart(metadata: Record<string, unknown>): void {
    this.reasoningParts.push({text: this.thinkingSoFar.slice(this.openReasoningFrom), metadata})
    this.openReasoningFrom = this.thinkingSoFar.length
  }

  setTextMetadata(metadata: Record<string, unknown>): void {
    this.textMetadata = {...this.textMetadata, ...metadata}
  }

  /** Publishes `final` and returns the blocks of this message: reasoning (closed parts first), text, then tool calls. */
  finish(info: FinishInfo = {}): Block[] {
    if (this.finished) throw new Error('message already finished')
    this.start()
    this.endThinking()
    this.finished = true
    // What was held back goes out before the final, so the final text is the last cumulative.
    this.publishText(this.shownText.flush())
    publish(
      {type: 'final', text: this.shownText.text},
      {
        message_id: this.messageId,
        model: this.model,
        duration_ms: Date.now() - this.startedAt,
        ...(info.stopReason !== undefined ? {stop_reason: info.stopReason} : {}),
        ...(info.usage !== undefined ? {usage: info.usage} : {}),
      },
    )
    const blocks: Block[] = this.reasoningParts.map((part) => reasoningBlock(part.text, part.metadata))
    const openReasoning = this.thinkingSoFar.slice(this.openReasoningFrom)
    if (openReasoning || Object.keys(this.reasoningMetadata).length > 0) blocks.push(reasoningBlock(openReasoning, this.reasoningMetadata))
    if (this.textSoFar) blocks.push(assistantTextBlock(this.textSoFar, this.textMetadata))
    for (const {call, metadata} of this.calls) blocks.push(toolCallBlock(call, metadata))
    return blocks
  }
}
