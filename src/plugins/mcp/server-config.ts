import {isAbsolute, resolve} from 'node:path'
import {z} from 'zod'

/** A server name: what `mcp:NAME` refers to; no `/` or `:`, which `mcp:NAME/TOOL` uses. */
export const MCP_SERVER_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i

/** How long a server may take to start and answer `initialize` + `tools/list`. */
export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 10_000

const startup = z.number().int().min(100).max(600_000).optional()
/** Values may name host variables, `${NAME}`, so a secret need not be written in the config file. */
const values = z.record(z.string().min(1), z.string())

export const McpStdioServerSchema = z
  .object({
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    /** Added to the SDK's safe default environment (PATH, HOME…); the host's other variables are not passed. */
    env: values.default({}),
    /** Working directory, relative to the config file. */
    cwd: z.string().min(1).optional(),
    startup_timeout_ms: startup,
  })
  .strict()

export const McpHttpServerSchema = z
  .object({
    url: z.url({protocol: /^https?$/, error: 'an MCP server url is http(s)://host[:port]/path'}),
    headers: values.default({}),
    startup_timeout_ms: startup,
  })
  .strict()

/** `mcp_servers.NAME` in jiminy.yaml: a stdio server (`command`) or a Streamable HTTP one (`url`). */
export const McpServerConfigSchema = z.union([McpStdioServerSchema, McpHttpServerSchema], {
  error: 'an MCP server is {command, args?, env?, cwd?} (stdio) or {url, headers?} (Streamable HTTP)',
})
export type McpServerConfig = z.infer<typeof McpServerConfigSchema>
export type McpStdioServerConfig = z.infer<typeof McpStdioServerSchema>

export const McpServersConfigSchema = z.record(
  z.string().regex(MCP_SERVER_NAME, 'an MCP server name is 1-64 letters, digits, _ or - (no / or :)'),
  McpServerConfigSchema,
)
export type McpServersConfig = z.infer<typeof McpServersConfigSchema>

export function isStdio(config: McpServerConfig): config is McpStdioServerConfig {
  return 'command' in config
}

/**
 * What identifies a server in a signature, without secrets: the command line or the URL (no query,
 * no credentials) and the names, never the values, of its environment variables and headers.
 */
export function serverIdentity(config: McpServerConfig, baseDir: string): Record<string, unknown> {
  if (isStdio(config))
    return {
      transport: 'stdio',
      command: config.command,
      args: config.args,
      ...(config.cwd !== undefined ? {cwd: resolveCwd(config.cwd, baseDir)} : {}),
      env: Object.keys(config.env).sort(),
    }
  const url = new URL(config.url)
  return {transport: 'streamable-http', url: `${url.origin}${url.pathname}`, headers: Object.keys(config.headers).sort()}
}

export function resolveCwd(cwd: string, baseDir: string): string {
  return isAbsolute(cwd) ? cwd : resolve(baseDir, cwd)
}

/** `${NAME}` → the host's variable; a missing one is an error naming it (never an empty secret). */
export function expandVariables(value: string, env: Readonly<Record<string, string | undefined>>, where: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const found = env[name]
    if (found === undefined) throw new Error(`${where}: environment variable ${name} is not set`)
    return found
  })
}
