// A real MCP server over stdio, written with the official SDK, for jiminy's MCP tests. Its tools
// cover every path: structured and text results, isError, a crash, a hang (that notes the cancel
// it receives), garbage on stdout, and a tool list that grows at run time.
// MCP_VARIANT=b changes one tool's description (a changed tool list after a restart);
// MCP_CANCEL_LOG names a file the hang tool appends "cancelled" to when its call is cancelled;
// MCP_START_LOG names a file that gets one line per start.
import {appendFileSync} from 'node:fs'
import {McpServer} from '@modelcontextprotocol/sdk/server/mcp.js'
import {StdioServerTransport} from '@modelcontextprotocol/sdk/server/stdio.js'
import {z} from 'zod'

if (process.env.MCP_START_LOG) appendFileSync(process.env.MCP_START_LOG, `${process.pid}\n`)
if (process.env.MCP_FAIL_START) {
  process.stderr.write('cannot open the database: permission denied\n')
  process.exit(4)
}

const server = new McpServer({name: 'test-files', version: process.env.MCP_VARIANT === 'b' ? '1.1.0' : '1.0.0'})
const text = (t) => ({content: [{type: 'text', text: t}]})

server.registerTool(
  'add',
  {
    description: process.env.MCP_VARIANT === 'b' ? 'Add two numbers (v2).' : 'Add two numbers.',
    inputSchema: {a: z.number().describe('first'), b: z.number().describe('second')},
    outputSchema: {sum: z.number()},
  },
  async ({a, b}) => ({content: [{type: 'text', text: String(a + b)}], structuredContent: {sum: a + b}}),
)
server.registerTool('echo', {description: 'Echo a text.', inputSchema: {text: z.string()}}, async ({text: t}) => text(t))
server.registerTool('fail', {description: 'Always fails.', inputSchema: {}}, async () => ({
  ...text('fail was asked to fail'),
  isError: true,
}))
server.registerTool('crash', {description: 'Exits mid-call.', inputSchema: {}}, async () => {
  process.stderr.write('crashing on purpose\n')
  setTimeout(() => process.exit(3), 5)
  return new Promise(() => {})
})
server.registerTool('hang', {description: 'Never answers.', inputSchema: {}}, async (_args, extra) => {
  await new Promise((resolve) => extra.signal.addEventListener('abort', resolve, {once: true}))
  if (process.env.MCP_CANCEL_LOG) appendFileSync(process.env.MCP_CANCEL_LOG, 'cancelled\n')
  return text('too late')
})
server.registerTool('garbage', {description: 'Writes garbage on stdout.', inputSchema: {}}, async () => {
  process.stdout.write('this is not JSON-RPC\n')
  return new Promise(() => {})
})
server.registerTool('grow', {description: 'Adds a tool.', inputSchema: {}}, async () => {
  server.registerTool('extra', {description: 'Added at run time.', inputSchema: {}}, async () => text('extra!'))
  return text('grew')
})

await server.connect(new StdioServerTransport())
