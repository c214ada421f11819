import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

/**
 * A Chat Completions server (`POST /v1/chat/completions`, `stream: true`) that streams the last user
 * message back verbatim, a few characters a chunk. The mock engine quotes a prompt with its
 * whitespace collapsed (no newlines, so no fenced code block survives); this one keeps every byte,
 * so a test can make the page render any markdown as an assistant answer, through the real
 * `openai-compatible` provider and its SSE parser.
 */
export interface EchoProvider {
  /** `base_url` for a profile: `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string
  close(): Promise<void>
}

export async function startEchoProvider(o: {chunkChars?: number; delayMs?: number} = {}): Promise<EchoProvider> {
  const chunkChars = o.chunkChars ?? 12
  const delayMs = o.delayMs ?? 2
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => {
      void (async () => {
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404, {'content-type': 'application/json'}).end('{"error":"not found"}')
          return
        }
        const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {messages?: {role: string; content: unknown}[]}
        const last = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user')
        const text = typeof last?.content === 'string' ? last.content : ''
        res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
        const send = (chunk: unknown) => res.write(`data: ${JSON.stringify(chunk)}\n\n`)
        const base = {id: 'chatcmpl-echo', object: 'chat.completion.chunk', created: 0, model: 'echo-1'}
        send({...base, choices: [{index: 0, delta: {role: 'assistant', content: ''}, finish_reason: null}]})
        for (let at = 0; at < text.length; at += chunkChars) {
          if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs))
          if (res.destroyed) return
          send({...base, choices: [{index: 0, delta: {content: text.slice(at, at + chunkChars)}, finish_reason: null}]})
        }
        send({...base, choices: [{index: 0, delta: {}, finish_reason: 'stop'}]})
        send({...base, choices: [], usage: {prompt_tokens: 10, completion_tokens: Math.ceil(text.length / 4), total_tokens: 0}})
        res.end('data: [DONE]\n\n')
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
