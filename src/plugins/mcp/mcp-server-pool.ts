import {canonicalJson, currentRunContext} from '../../core/index.js'
import type {McpCallResult} from './call-result.js'
import {McpConnection, type McpListing} from './mcp-connection.js'
import type {McpExchange, McpReplaySource} from './mcp-exchange.js'
import {McpServerError} from './mcp-server-error.js'
import type {McpServersConfig} from './server-config.js'

/** Sees every MCP exchange, with the conversation (run context's session) it happened in, if any. */
export type McpExchangeListener = (exchange: McpExchange, sessionId: string | undefined) => void

/**
 * The MCP servers of one host (kept in its ResourceScope, so a config reload's builder shares it):
 * one connection per configured server, the MCP client boundary every listing and call goes
 * through (where recordings capture them and reruns answer them), closed with the host.
 */
export class McpServerPool {
  private readonly connections = new Map<string, {key: string; connection: McpConnection}>()
  private readonly failures = new Map<string, McpServerError>()
  private readonly exchangeListeners = new Set<McpExchangeListener>()
  private readonly changeListeners = new Set<(server: string) => void>()
  private replaySource: McpReplaySource | undefined

  /**
   * Takes a (re)loaded config: servers that are new start on first use; those removed or whose
   * config changed are stopped; the others keep running (their conversations are not disturbed).
   */
  configure(servers: McpServersConfig, baseDir: string, env: Readonly<Record<string, string | undefined>>): void {
    for (const [name, entry] of this.connections) {
      const config = servers[name]
      if (config && entry.key === keyOf(config, baseDir, env)) continue
      this.connections.delete(name)
      this.failures.delete(name)
      void entry.connection.close()
    }
    for (const [name, config] of Object.entries(servers)) {
      if (this.connections.has(name)) continue
      const connection = new McpConnection(name, config, {baseDir, env, toolsChanged: (server) => this.toolsChanged(server)})
      this.connections.set(name, {key: keyOf(config, baseDir, env), connection})
    }
  }

  has(name: string): boolean {
    return this.connections.has(name)
  }

  names(): string[] {
    return [...this.connections.keys()].sort()
  }

  /** The server's identity and tools as last listed (or as recorded, when replaying). */
  listing(name: string): McpListing | undefined {
    if (this.replaySource) return this.replaySource.list(name)
    return this.connections.get(name)?.connection.current
  }

  /** Why the server has no listing: its last start failure, or a note that it was never reached. */
  unavailable(name: string): McpServerError {
    if (this.replaySource) return new McpServerError(name, 'replay', 'the recording holds no tool list for it')
    return this.failures.get(name) ?? new McpServerError(name, 'start', 'not started yet')
  }

  /**
   * Starts (or restarts after a crash) the named servers and lists their tools, in parallel. Never
   * throws: a server that fails keeps its error for `unavailable` and is retried on the next call.
   */
  async prepare(names: Iterable<string>): Promise<void> {
    if (this.replaySource) return
    await Promise.all(
      [...new Set(names)].map(async (name) => {
        const entry = this.connections.get(name)
        if (!entry) return
        try {
          const listing = await entry.connection.ready()
          this.failures.delete(name)
          this.emit({kind: 'mcp.list', server: name, identity: listing.identity, tools: [...listing.tools]})
        } catch (error) {
          if (McpServerError.isInstance(error)) this.failures.set(name, error)
          else throw error
        }
      }),
    )
  }

  /** One tool call, live or from the recording; its exchange goes to every listener. Throws McpServerError. */
  async call(server: string, tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<McpCallResult> {
    if (this.replaySource) {
      let outcome
      try {
        outcome = this.replaySource.call(server, tool, args)
      } catch (error) {
        throw new McpServerError(server, 'replay', (error as Error).message)
      }
      if (outcome.type === 'error') throw new McpServerError(server, 'replay', outcome.message.replace(`mcp server ${server}: `, ''))
      return outcome.result
    }
    const entry = this.connections.get(server)
    if (!entry) throw new McpServerError(server, 'stopped', 'no longer configured (config reload)')
    try {
      const result = await entry.connection.call(tool, args, signal)
      this.emit({kind: 'mcp.call', server, tool, args, outcome: {type: 'result', result}})
      return result
    } catch (error) {
      if (McpServerError.isInstance(error))
        this.emit({kind: 'mcp.call', server, tool, args, outcome: {type: 'error', message: error.message}})
      throw error
    }
  }

  /** Answer listings and calls from a recording (`undefined`: the servers again). */
  replayFrom(source: McpReplaySource | undefined): void {
    this.replaySource = source
  }

  get replaying(): boolean {
    return this.replaySource !== undefined
  }

  onExchange(listener: McpExchangeListener): () => void {
    this.exchangeListeners.add(listener)
    return () => this.exchangeListeners.delete(listener)
  }

  /** Told when a server's tool list changed (a notification, a restart): the next request rebuilds. */
  onToolsChanged(listener: (server: string) => void): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  /** Stops every server. */
  async close(): Promise<void> {
    const all = [...this.connections.values()]
    this.connections.clear()
    await Promise.all(all.map((e) => e.connection.close()))
  }

  private toolsChanged(server: string): void {
    const listing = this.connections.get(server)?.connection.current
    if (listing) this.emit({kind: 'mcp.list', server, identity: listing.identity, tools: [...listing.tools]})
    for (const listener of this.changeListeners) listener(server)
  }

  private emit(exchange: McpExchange): void {
    const sessionId = currentRunContext()?.sessionId
    for (const listener of this.exchangeListeners) listener(exchange, sessionId)
  }
}

/** Same key, same server: a reload that leaves its config (and the variables it names) alone keeps it running. */
function keyOf(config: unknown, baseDir: string, env: Readonly<Record<string, string | undefined>>): string {
  const named = [...canonicalJson(config).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => [m[1], env[m[1]!]])
  return canonicalJson({config, baseDir, named})
}
