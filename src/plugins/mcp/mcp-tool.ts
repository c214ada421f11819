import type {ToolDefinition} from '../../core/index.js'
import {toolResultOf} from './call-result.js'
import type {McpServerPool} from './mcp-server-pool.js'
import type {McpToolInfo} from './mcp-tool-info.js'

/** A profile's `tools:` entry naming MCP tools: `mcp:NAME` (all of them) or `mcp:NAME/TOOL`. */
export interface McpToolRef {
  readonly server: string
  readonly tool?: string
}

const REF = /^mcp:([^/]+)(?:\/(.+))?$/

/** `mcp:NAME[/TOOL]` → its parts; anything else (a plugin tool's name) → undefined. */
export function parseMcpToolRef(entry: string): McpToolRef | undefined {
  const m = REF.exec(entry)
  if (!m) return undefined
  return m[2] !== undefined ? {server: m[1]!, tool: m[2]} : {server: m[1]!}
}

/** Where a tool comes from, as `tools list` and the page show it. */
export const mcpToolSource = (server: string): string => `mcp:${server}`

/**
 * An MCP tool as a jiminy tool: the name and JSON Schema its server gives (offered to the provider
 * as they are), the call through the pool (recorded, or answered from a recording). The server
 * validates the arguments against its own schema; jiminy only checks they are an object.
 */
export function mcpToolDefinition(pool: McpServerPool, server: string, info: McpToolInfo): ToolDefinition {
  return {
    name: info.name,
    description: info.description ?? '',
    parameters: info.inputSchema,
    validate: (args) =>
      args !== null && typeof args === 'object' && !Array.isArray(args)
        ? {ok: true, args}
        : {ok: false, error: `invalid arguments for ${info.name}: expected an object`},
    run: async (args, ctx) => toolResultOf(await pool.call(server, info.name, args, ctx.signal)),
  }
}
