import {createParser, type EventSourceMessage} from 'eventsource-parser'
import {AbortedError, ProviderError} from '../../core/index.js'
import {errorInfoFromText} from './extract-error-message.js'
import {postWithRetry, type ProviderRequest} from './post-with-retry.js'
import {DEFAULT_STALL_TIMEOUT_MS, scrubSecrets, type ProviderHttpOptions} from './provider-http-options.js'

export type SseMessage = EventSourceMessage

class StallTimer {
  private timer: NodeJS.Timeout | undefined
  stalled = false
  constructor(
    private readonly ms: number,
    private readonly onStall: () => void,
  ) {}
  arm(): void {
    this.clear()
    this.timer = setTimeout(() => {
      this.stalled = true
      this.onStall()
    }, this.ms)
  }
  clear(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }
}

/**
 * Sends the request and yields its server-sent events as they arrive. Cancel (signal) aborts the
 * HTTP request at once and rethrows the abort; a silence longer than the stall timeout, a broken
 * connection, or a JSON error body where events were expected each end it with a ProviderError.
 * Breaking out of the loop aborts the request too.
 */
export async function* streamSse(request: ProviderRequest, signal: AbortSignal, options: ProviderHttpOptions): AsyncGenerator<SseMessage> {
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS
  const controller = new AbortController()
  const onAbort = () => controller.abort(signal.reason)
  if (signal.aborted) throw new AbortedError()
  signal.addEventListener('abort', onAbort, {once: true})
  const stall = new StallTimer(stallMs, () => controller.abort())
  // Settles as soon as cancel or a stall aborts the request, even if the transport does not notice.
  const interrupted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener('abort', () => reject(new AbortedError()), {once: true}),
  )
  interrupted.catch(() => undefined)
  const fail = (error: unknown): never => {
    if (signal.aborted) throw new AbortedError()
    if (stall.stalled) throw new ProviderError(`${options.label}: the stream stalled: no data for ${stallMs} ms`, {code: 'stream_stalled'})
    if (error instanceof ProviderError) throw error
    const reason =
      error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error)
    throw new ProviderError(scrubSecrets(`${options.label}: connection failed: ${reason}`, options.secrets), {
      code: 'connection_error',
      cause: error,
    })
  }

  try {
    stall.arm()
    const response = await Promise.race([postWithRetry(request, controller.signal, options), interrupted]).catch(fail)
    const contentType = response.headers.get('content-type') ?? ''
    if (!contentType.includes('text/event-stream') && contentType.includes('json')) {
      // A 200 with a JSON body instead of a stream is an error from the provider or a proxy.
      const text = await response.text().catch(fail)
      throw new ProviderError(
        scrubSecrets(
          `${options.label}: ${errorInfoFromText(text)?.message ?? `expected an event stream, got ${text.slice(0, 200)}`}`,
          options.secrets,
        ),
        {
          code: errorInfoFromText(text)?.code ?? 'not_a_stream',
        },
      )
    }
    if (!response.body) throw new ProviderError(`${options.label}: the response has no body`, {code: 'stream_truncated'})
    yield* readEvents(response.body, stall, interrupted, fail, options)
  } finally {
    stall.clear()
    signal.removeEventListener('abort', onAbort)
    controller.abort()
  }
}

async function* readEvents(
  body: ReadableStream<Uint8Array>,
  stall: StallTimer,
  interrupted: Promise<never>,
  fail: (error: unknown) => never,
  options: ProviderHttpOptions,
): AsyncGenerator<SseMessage> {
  const queue: SseMessage[] = []
  const strayLines: string[] = []
  const parser = createParser({
    onEvent: (event) => queue.push(event),
    // A line that is not an SSE field: usually a provider's JSON error written after (or instead of) the events.
    onError: (error) => {
      if (error.type === 'unknown-field' && error.line !== undefined) strayLines.push(error.line)
    },
  })
  const decoder = new TextDecoder()
  const reader = body.getReader()
  try {
    for (;;) {
      stall.arm()
      const chunk = await Promise.race([reader.read(), interrupted]).catch(fail)
      if (chunk.done) break
      parser.feed(decoder.decode(chunk.value, {stream: true}))
      while (queue.length > 0) yield queue.shift()!
    }
    stall.clear()
    parser.feed(decoder.decode())
    parser.reset({consume: true})
    while (queue.length > 0) yield queue.shift()!
    if (strayLines.length > 0) {
      const info = errorInfoFromText(strayLines.join('\n'))
      if (info)
        throw new ProviderError(scrubSecrets(`${options.label}: ${info.message}`, options.secrets), {code: info.code ?? 'provider_error'})
    }
  } finally {
    reader.cancel().catch(() => undefined)
  }
}
