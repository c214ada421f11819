import {z} from 'zod'
import {ToolRegistry, type ToolDefinition} from '../core/index.js'
import {
  McpServerError,
  mcpToolDefinition,
  mcpToolSource,
  parseMcpToolRef,
  toolSchemaHash,
  type McpServerPool,
  type McpToolInfo,
  type PluginCatalog,
  type Provided,
} from '../plugins/index.js'
import {ConfigError} from './config-error.js'

/** An MCP server in an EngineConfig: who it is and the tools the profile takes from it (name → schema hash). */
export const McpServerSignatureSchema = z
  .object({server: z.record(z.string(), z.unknown()), tools: z.record(z.string(), z.string())})
  .strict()
export type McpServerSignature = z.infer<typeof McpServerSignatureSchema>

/** One tool a profile offers and where it comes from. */
export interface ResolvedTool {
  readonly name: string
  /** `builtin (jiminy-builtins)`, `FILE (plugin)`, or `mcp:SERVER`. */
  readonly source: string
  readonly plugin?: Provided<ToolDefinition>
  readonly mcp?: {readonly server: string; readonly info: McpToolInfo}
}

export interface ResolvedTools {
  readonly tools: readonly ResolvedTool[]
  /** Per MCP server used: identity + tool hashes (EngineConfig.mcp). */
  readonly mcp: Record<string, McpServerSignature>
}

/**
 * A profile's `tools:` entries → the tools it offers: plugin tools by name, `mcp:NAME` (all of a
 * server's tools) and `mcp:NAME/TOOL`. Tools keep their own names (that is what the model sees);
 * two tools of one name are an error naming both sources. An unknown name or server is a
 * ConfigError on `field.i`; a server that cannot be reached is its McpServerError.
 */
export function resolveProfileTools(entries: readonly string[], catalog: PluginCatalog, pool: McpServerPool, field: string): ResolvedTools {
  const tools: ResolvedTool[] = []
  const mcp: Record<string, McpServerSignature> = {}
  const add = (tool: ResolvedTool, i: number) => {
    const twin = tools.find((t) => t.name === tool.name)
    if (twin?.source === tool.source) return // `mcp:x` and `mcp:x/t` both listed
    if (twin)
      throw new ConfigError(
        `tool name clash: ${JSON.stringify(tool.name)} is provided by both ${twin.source} and ${tool.source}`,
        `${field}.${i}`,
      )
    tools.push(tool)
  }
  entries.forEach((entry, i) => {
    const ref = parseMcpToolRef(entry)
    if (!ref) {
      const found = catalog.tool(entry)
      if (!found)
        throw new ConfigError(`unknown tool ${JSON.stringify(entry)} (known: ${catalog.names('tool').join(', ')})`, `${field}.${i}`)
      add({name: entry, source: `${found.plugin.source} (${found.plugin.plugin.name})`, plugin: found}, i)
      return
    }
    if (!pool.has(ref.server)) {
      const known = pool.names()
      throw new ConfigError(
        `unknown MCP server ${JSON.stringify(ref.server)} (${known.length > 0 ? `known: ${known.join(', ')}` : 'no mcp_servers are configured'})`,
        `${field}.${i}`,
      )
    }
    const listing = pool.listing(ref.server)
    if (!listing) throw pool.unavailable(ref.server)
    const offered = ref.tool === undefined ? listing.tools : listing.tools.filter((t) => t.name === ref.tool)
    if (ref.tool !== undefined && offered.length === 0)
      throw new McpServerError(
        ref.server,
        'unknown-tool',
        `has no tool ${JSON.stringify(ref.tool)} (it offers: ${listing.tools.map((t) => t.name).join(', ') || 'none'})`,
      )
    const signature = (mcp[ref.server] ??= {server: listing.identity, tools: {}})
    for (const info of offered) {
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(info.name))
        throw new McpServerError(
          ref.server,
          'unknown-tool',
          `tool name ${JSON.stringify(info.name)} is not one providers accept (1-64 letters, digits, _ or -); list the others as mcp:${ref.server}/TOOL`,
        )
      signature.tools[info.name] = toolSchemaHash(info)
      add({name: info.name, source: mcpToolSource(ref.server), mcp: {server: ref.server, info}}, i)
    }
  })
  return {tools, mcp}
}

/**
 * The registry of an EngineConfig's tools. MCP tools are taken from the server's current listing;
 * one that is gone still answers, with a tool error naming the server (the next request rebuilds).
 */
export function toolRegistryFor(
  names: readonly string[],
  mcp: Readonly<Record<string, McpServerSignature>> | undefined,
  catalog: PluginCatalog,
  pool: McpServerPool,
): ToolRegistry {
  const serverOf = new Map<string, string>()
  for (const [server, entry] of Object.entries(mcp ?? {})) for (const tool of Object.keys(entry.tools)) serverOf.set(tool, server)
  return new ToolRegistry(
    names.map((name) => {
      const server = serverOf.get(name)
      if (server === undefined) {
        const found = catalog.tool(name)
        if (!found) throw new Error(`unknown tool ${JSON.stringify(name)} (known: ${catalog.names('tool').join(', ')})`)
        return found.item
      }
      const info = pool.listing(server)?.tools.find((t) => t.name === name) ?? {name, inputSchema: {type: 'object'}}
      return mcpToolDefinition(pool, server, info)
    }),
  )
}
