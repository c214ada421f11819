import {createServer, type Server} from 'node:http'
import {closeServer, listenLoopback} from '../../providers/provider-harness.js'

/**
 * A Chat Completions server (the real `openai-compatible` provider talks to it over a socket) that
 * asks for the tools its prompts name: a user message `call TOOL {json args}` is answered with that
 * tool call; the message after a tool result is `TOOL said: RESULT`. It keeps every request body,
 * so a test sees the tools (and their JSON Schemas) the provider was offered.
 */
export interface ToolCallingProvider {
  readonly baseUrl: string
  readonly requests: Record<string, unknown>[]
  close(): Promise<void>
}

interface Message {
  role: string
  content?: unknown
  tool_call_id?: string
}

const CALL = /^call ([A-Za-z0-9_-]+)\s*(\{.*\})?\s*$/s

export async function startToolCallingProvider(): Promise<ToolCallingProvider> {
  const requests: Record<string, unknown>[] = []
  let calls = 0
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = []
    req.on('data', (part: Buffer) => parts.push(part))
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {messages: Message[]}
      requests.push(body)
      const last = body.messages.at(-1)
      const base = {id: `chatcmpl-${requests.length}`, object: 'chat.completion.chunk', created: 0, model: 'mcp-caller'}
      res.writeHead(200, {'content-type': 'text/event-stream'})
      const send = (delta: unknown, finish: string | null = null) =>
        res.write(`data: ${JSON.stringify({...base, choices: [{index: 0, delta, finish_reason: finish}]})}\n\n`)
      const match = last?.role === 'user' && typeof last.content === 'string' ? CALL.exec(last.content) : null
      if (match) {
        const id = `call_${++calls}`
        send({role: 'assistant', content: null, tool_calls: [{index: 0, id, type: 'function', function: {name: match[1], arguments: ''}}]})
        send({tool_calls: [{index: 0, function: {arguments: match[2] ?? '{}'}}]})
        send({}, 'tool_calls')
      } else {
        const tool = last?.role === 'tool' ? String(last.content) : 'no tool'
        send({role: 'assistant', content: `tool said: ${tool}`})
        send({}, 'stop')
      }
      res.end('data: [DONE]\n\n')
    })
  })
  const baseUrl = await listenLoopback(server)
  return {baseUrl, requests, close: () => closeServer(server)}
}

/** The function tools a request offered: name → JSON Schema. */
export function offeredTools(request: Record<string, unknown> | undefined): Record<string, unknown> {
  const tools = (request?.tools ?? []) as {function: {name: string; parameters: unknown}}[]
  return Object.fromEntries(tools.map((t) => [t.function.name, t.function.parameters]))
}
