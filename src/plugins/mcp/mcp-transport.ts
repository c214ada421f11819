import type {Readable} from 'node:stream'
export {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {StdioClientTransport} from '@modelcontextprotocol/sdk/client/stdio.js'
import {StreamableHTTPClientTransport} from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type {Transport} from '@modelcontextprotocol/sdk/shared/transport.js'
import {registerSecret} from '../../core/index.js'
import {expandVariables, isStdio, resolveCwd, type McpServerConfig} from './server-config.js'

/** How much of a stdio server's stderr an error quotes (its last words before it died). */
const STDERR_TAIL = 800

export interface OpenedTransport {
  readonly transport: Transport
  /** The last lines the server wrote on stderr (stdio only), for errors; '' when none. */
  stderrTail(): string
}

/**
 * The SDK transport for one server. `${NAME}` in env values and headers is read from the host's
 * environment and registered as a secret (never printed, logged or recorded).
 */
export function openTransport(
  name: string,
  config: McpServerConfig,
  baseDir: string,
  env: Readonly<Record<string, string | undefined>>,
): OpenedTransport {
  const where = `mcp_servers.${name}`
  if (isStdio(config)) {
    const extra = Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, expandVariables(v, env, `${where}.env.${k}`)]))
    registerSecret(...Object.values(extra))
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: {...stdioDefaults(env), ...extra},
      stderr: 'pipe',
      ...(config.cwd !== undefined ? {cwd: resolveCwd(config.cwd, baseDir)} : {}),
    })
    let tail = ''
    // The PassThrough exists before start(), so early output (a crash at start-up) is kept too.
    ;(transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL)
    })
    return {transport, stderrTail: () => tail.trim()}
  }
  const headers = Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, expandVariables(v, env, `${where}.headers.${k}`)]))
  registerSecret(...Object.values(headers))
  return {transport: new StreamableHTTPClientTransport(new URL(config.url), {requestInit: {headers}}), stderrTail: () => ''}
}

/** The SDK's safe variables (PATH, HOME…), read from the host's environment rather than process.env. */
const INHERITED = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER', 'LANG', 'TMPDIR']

function stdioDefaults(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key of INHERITED) {
    const value = env[key]
    if (value !== undefined && !value.startsWith('()')) out[key] = value
  }
  return out
}
