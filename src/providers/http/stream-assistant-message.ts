import {appendBlocks, StreamingMessage, type FinishInfo, type RunContext, type Turn} from '../../core/index.js'
import type {ProviderRequest} from './post-with-retry.js'
import type {ProviderHttpOptions} from './provider-http-options.js'
import {streamSse} from './sse-stream.js'

/** What a provider's stream state does with each SSE data payload; `accept` returns true when the stream is complete. */
export interface SseConsumer {
  accept(data: string): boolean
  end(): FinishInfo
}

/**
 * The loop every SSE engine shares: send the request, feed each event's data to the provider's
 * stream state (which reports into the StreamingMessage), stop at `[DONE]` or when the state says
 * the stream is complete, and append the finished message's blocks to the turn.
 */
export async function streamAssistantMessage(
  turn: Turn,
  ctx: RunContext,
  options: {readonly model: string; readonly http: ProviderHttpOptions; readonly request: ProviderRequest},
  consumerFor: (message: StreamingMessage) => SseConsumer,
): Promise<Turn> {
  const message = new StreamingMessage(options.model)
  const consumer = consumerFor(message)
  for await (const sse of streamSse(options.request, ctx.signal, options.http)) {
    if (sse.data === '[DONE]') break
    message.start()
    if (consumer.accept(sse.data)) break
  }
  return appendBlocks(turn, ...message.finish(consumer.end()))
}
