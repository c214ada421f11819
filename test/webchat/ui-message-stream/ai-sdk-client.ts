import {DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk} from 'ai'
import type {RunningServer} from '../../../src/webchat/index.js'

/** The AI SDK's own HTTP transport against a test server (its schema validates every chunk). */
export function transportFor(server: RunningServer, body: Record<string, unknown> = {}): DefaultChatTransport<UIMessage> {
  return new DefaultChatTransport<UIMessage>({api: new URL('api/chat', server.url).href, body})
}

export function userMessage(text: string, id = `u-${Math.random().toString(36).slice(2, 10)}`): UIMessage {
  return {id, role: 'user', parts: [{type: 'text', text}]}
}

export interface ReadResult {
  readonly chunks: UIMessageChunk[]
  /** The assistant message as `readUIMessageStream` built it. */
  readonly message: UIMessage
  /** What the SDK reported: schema failures, chunk-order errors, `error` chunks. */
  readonly errors: unknown[]
}

/** Reads a chunk stream to its end through `readUIMessageStream`, keeping every chunk. */
export async function readAll(stream: ReadableStream<UIMessageChunk>, message?: UIMessage): Promise<ReadResult> {
  const chunks: UIMessageChunk[] = []
  const errors: unknown[] = []
  const recorded = stream.pipeThrough(
    new TransformStream<UIMessageChunk, UIMessageChunk>({
      transform(chunk, controller) {
        chunks.push(chunk)
        controller.enqueue(chunk)
      },
    }),
  )
  let last: UIMessage | undefined
  for await (const m of readUIMessageStream<UIMessage>({stream: recorded, ...(message ? {message} : {}), onError: (e) => errors.push(e)})) {
    last = m
  }
  if (!last) throw new Error(`the stream built no message; chunks: ${chunks.map((c) => c.type).join(',')}`)
  return {chunks, message: last, errors}
}

/** Sends `messages` on chat `chatId` and reads the answer. */
export async function send(
  transport: DefaultChatTransport<UIMessage>,
  chatId: string,
  messages: UIMessage[],
  options: {messageId?: string; message?: UIMessage} = {},
): Promise<ReadResult> {
  const stream = await transport.sendMessages({
    chatId,
    messages,
    trigger: 'submit-message',
    messageId: options.messageId,
    abortSignal: undefined,
  })
  return readAll(stream, options.message)
}

export const textOf = (message: UIMessage): string => message.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('')

export const toolParts = (message: UIMessage) =>
  message.parts.flatMap((p) => (p.type.startsWith('tool-') ? [p as Extract<UIMessage['parts'][number], {toolCallId: string}>] : []))

/** The assistant message with every approval requested answered, as `addToolApprovalResponse` leaves it. */
export function answerApprovals(message: UIMessage, approved: boolean): UIMessage {
  return {
    ...message,
    parts: message.parts.map((part) =>
      'state' in part && part.state === 'approval-requested' && 'approval' in part
        ? ({...part, state: 'approval-responded', approval: {...part.approval, approved}} as unknown as typeof part)
        : part,
    ),
  }
}

/** Starts an answer on `transport`, reads until its first text delta, then aborts the fetch as `stop()` does. */
export async function startThenStop(
  transport: DefaultChatTransport<UIMessage>,
  chatId: string,
  prompt = 'tell me a long one /slow',
): Promise<void> {
  const abort = new AbortController()
  const stream = await transport.sendMessages({
    chatId,
    messages: [userMessage(prompt)],
    trigger: 'submit-message',
    messageId: undefined,
    abortSignal: abort.signal,
  })
  const reader = stream.getReader()
  for (let chunk: UIMessageChunk | undefined; chunk?.type !== 'text-delta';) chunk = (await reader.read()).value
  abort.abort()
  await reader.cancel().catch(() => undefined)
}
