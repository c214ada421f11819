import type {Client} from '@modelcontextprotocol/sdk/client/index.js'
import {redactString} from '../../core/index.js'
import {McpCallResultSchema, type McpCallResult} from './call-result.js'
import {McpServerError} from './mcp-server-error.js'
import {keptToolInfo, McpToolInfoSchema, type McpToolInfo} from './mcp-tool-info.js'
import type {OpenedTransport} from './mcp-transport.js'
import {DEFAULT_MCP_STARTUP_TIMEOUT_MS, serverIdentity, type McpServerConfig} from './server-config.js'

/** JSON-RPC error codes the SDK uses for a closed connection and its own timeout (`ErrorCode`). */
const CONNECTION_CLOSED = -32000
const REQUEST_TIMEOUT = -32001

/** The SDK's own request timeout would cut calls at 60 s; the ToolExecutor's per-call timeout and signal govern instead. */
const CALL_TIMEOUT_CEILING_MS = 3_600_000

/** What a server offers: who it is and its tools, as last listed. */
export interface McpListing {
  /** Config identity (command or URL, no secrets) + the server's own name and version from `initialize`. */
  readonly identity: Record<string, unknown>
  readonly tools: readonly McpToolInfo[]
}

export interface McpConnectionDeps {
  readonly baseDir: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Told when a new listing differs from the last (a restart, a `tools/list_changed` notification). */
  readonly toolsChanged: (server: string) => void
}

interface Live {
  readonly client: Client
  readonly opened: OpenedTransport
  /** Set when the server sent something that is not JSON-RPC: the connection is then closed. */
  garbage?: Error
  closed: boolean
}

/**
 * One MCP server, through the official SDK client: started on first use, its tool list kept (and
 * refreshed on `tools/list_changed`), restarted on the next use after it crashed or failed to
 * start. Every failure is an McpServerError naming the server.
 */
export class McpConnection {
  private live: Live | undefined
  private starting: Promise<Live> | undefined
  private listing: McpListing | undefined
  private stopped = false

  constructor(
    readonly name: string,
    readonly config: McpServerConfig,
    private readonly deps: McpConnectionDeps,
  ) {}

  /** The last listing (undefined until the server was reached once). */
  get current(): McpListing | undefined {
    return this.listing
  }

  /** Connects (or reconnects after a crash) and lists the tools. Throws McpServerError. */
  async ready(): Promise<McpListing> {
    await this.session()
    return this.listing!
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    const live = await this.session()
    try {
      const raw = await live.client.callTool({name: tool, arguments: args}, undefined, {signal, timeout: CALL_TIMEOUT_CEILING_MS})
      return McpCallResultSchema.parse(raw)
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error
      throw this.callFault(live, tool, error)
    }
  }

  /** Stops the server (config reload, shutdown); a later use is an error. */
  async close(): Promise<void> {
    this.stopped = true
    const live = this.live ?? (await this.starting?.catch(() => undefined))
    this.live = undefined
    if (live) await live.client.close().catch(() => undefined)
  }

  private session(): Promise<Live> {
    if (this.stopped) return Promise.reject(new McpServerError(this.name, 'stopped', 'stopped (config reload or shutdown)'))
    if (this.live && !this.live.closed) return Promise.resolve(this.live)
    this.starting ??= this.start().finally(() => (this.starting = undefined))
    return this.starting
  }

  private async start(): Promise<Live> {
    const timeout = this.config.startup_timeout_ms ?? DEFAULT_MCP_STARTUP_TIMEOUT_MS
    // The SDK (and its schemas) loads with the first server started, not with every command.
    const {openTransport, Client} = await import('./mcp-transport.js')
    let opened: OpenedTransport
    try {
      opened = openTransport(this.name, this.config, this.deps.baseDir, this.deps.env)
    } catch (error) {
      throw new McpServerError(this.name, 'start', `would not start: ${messageOf(error)}`)
    }
    const client = new Client(
      {name: 'jiminy', version: '1'},
      {capabilities: {}, listChanged: {tools: {debounceMs: 0, onChanged: (error, tools) => !error && tools && this.setTools(live, tools)}}},
    )
    const live: Live = {client, opened, closed: false}
    client.onerror = (error) => {
      // A line that is not JSON-RPC: nothing later on this connection can be trusted. Closing it
      // fails the pending calls at once (instead of each waiting for its timeout).
      if (live.garbage === undefined && isGarbage(error)) {
        live.garbage = error
        void client.close().catch(() => undefined)
      }
    }
    client.onclose = () => {
      live.closed = true
    }
    try {
      await client.connect(opened.transport, {timeout})
      this.setTools(live, await listAll(client, timeout))
    } catch (error) {
      await client.close().catch(() => undefined)
      throw new McpServerError(this.name, live.garbage ? 'garbage' : 'start', `would not start: ${this.describe(live, error, timeout)}`)
    }
    if (this.stopped) {
      await client.close().catch(() => undefined)
      throw new McpServerError(this.name, 'stopped', 'stopped (config reload or shutdown)')
    }
    this.live = live
    return live
  }

  private setTools(live: Live, tools: readonly unknown[]): void {
    const version = live.client.getServerVersion()
    const identity = {
      ...serverIdentity(this.config, this.deps.baseDir),
      ...(version ? {server_info: {name: version.name, version: version.version}} : {}),
    }
    const next: McpListing = {identity, tools: tools.map((t) => keptToolInfo(McpToolInfoSchema.parse(t)))}
    const before = this.listing
    this.listing = next
    if (before && JSON.stringify(before) !== JSON.stringify(next)) this.deps.toolsChanged(this.name)
  }

  private callFault(live: Live, tool: string, error: unknown): McpServerError {
    if (live.garbage)
      return new McpServerError(
        this.name,
        'garbage',
        `sent something that is not JSON-RPC during ${tool}: ${redactString(live.garbage.message)}; it restarts on next use`,
      )
    if (codeOf(error) === CONNECTION_CLOSED) {
      const tail = live.opened.stderrTail()
      return new McpServerError(
        this.name,
        'crash',
        `exited during ${tool}${tail ? ` (stderr: ${redactString(tail)})` : ''}; it restarts on next use`,
      )
    }
    if (codeOf(error) !== undefined) return new McpServerError(this.name, 'tool', `${tool} failed: ${redactString(messageOf(error))}`)
    if (isGarbage(error))
      return new McpServerError(this.name, 'garbage', `answered ${tool} with an invalid result: ${redactString(messageOf(error))}`)
    return new McpServerError(this.name, 'crash', `${tool} failed: ${redactString(messageOf(error))}`)
  }

  private describe(live: Live, error: unknown, timeout: number): string {
    if (live.garbage) return `it sent something that is not JSON-RPC: ${redactString(live.garbage.message)}`
    const tail = live.opened.stderrTail()
    const stderr = tail ? ` (stderr: ${redactString(tail)})` : ''
    if (codeOf(error) === REQUEST_TIMEOUT) return `no answer to initialize/tools/list within ${timeout} ms${stderr}`
    if (codeOf(error) === CONNECTION_CLOSED) return `it exited before answering${stderr}`
    return `${redactString(messageOf(error))}${stderr}`
  }
}

async function listAll(client: Client, timeout: number): Promise<unknown[]> {
  const tools: unknown[] = []
  let cursor: string | undefined
  do {
    const page = await client.listTools(cursor !== undefined ? {cursor} : undefined, {timeout})
    tools.push(...page.tools)
    cursor = page.nextCursor
  } while (cursor !== undefined)
  return tools
}

/** A JSON parse error or a message of the wrong shape (the SDK validates both with zod). */
function isGarbage(error: unknown): boolean {
  return error instanceof SyntaxError || (error instanceof Error && (error.name === 'ZodError' || error.name === '$ZodError'))
}

/** The JSON-RPC code of an SDK `McpError` (duck-typed: the SDK module loads lazily). */
function codeOf(error: unknown): number | undefined {
  const code = (error as {code?: unknown} | null)?.code
  return error instanceof Error && error.name === 'McpError' && typeof code === 'number' ? code : undefined
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error.message}${cause}`
}
