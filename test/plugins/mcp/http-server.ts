import {createServer, type Server} from 'node:http'
import {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js'
import {StreamableHTTPServerTransport} from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import {z} from 'zod'
import {closeServer, listenLoopback} from '../../providers/provider-harness.js'

/**
 * A real Streamable HTTP MCP server (the SDK's `McpServer` + `StreamableHTTPServerTransport`,
 * stateless: one server per request) on a loopback port, with `multiply` and `slow` tools. It keeps
 * the headers of every request (a test checks a configured header arrives) and counts the calls
 * whose cancellation it saw.
 */
export interface HttpMcpServer {
  /** `http://127.0.0.1:PORT/mcp` */
  readonly url: string
  readonly headers: Record<string, string | string[] | undefined>[]
  readonly cancelled: () => number
  close(): Promise<void>
}

export async function startHttpMcpServer(): Promise<HttpMcpServer> {
  const headers: HttpMcpServer['headers'] = []
  let cancelled = 0
  const build = () => {
    const server = new McpServer({name: 'test-math', version: '2.0.0'})
    server.registerTool(
      'multiply',
      {description: 'Multiply two numbers.', inputSchema: {x: z.number(), y: z.number()}},
      async ({x, y}) => ({content: [{type: 'text', text: String(x * y)}]}),
    )
    server.registerTool('slow', {description: 'Answers after 30 s.', inputSchema: {}}, async (_args, extra) => {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 30_000)
        extra.signal.addEventListener('abort', () => {
          cancelled++
          clearTimeout(timer)
          resolve(undefined)
        })
      })
      return {content: [{type: 'text', text: 'slow done'}]}
    })
    return server
  }
  const http: Server = createServer((req, res) => {
    headers.push(req.headers)
    if (req.method !== 'POST') {
      res.writeHead(405).end()
      return
    }
    const server = build()
    const transport = new StreamableHTTPServerTransport({})
    res.on('close', () => {
      void transport.close()
      void server.close()
    })
    void server.connect(transport).then(() => transport.handleRequest(req, res))
  })
  const base = await listenLoopback(http)
  return {url: base.replace(/\/v1$/, '/mcp'), headers, cancelled: () => cancelled, close: () => closeServer(http)}
}
