import {z} from 'zod'
import {canonicalJson} from '../../core/index.js'
import {McpCallResultSchema} from './call-result.js'
import {McpToolInfoSchema} from './mcp-tool-info.js'

/**
 * One MCP exchange, as captured at the MCP client boundary (`McpServerPool`): a server's tool list
 * (what its identity and the provider's tool schemas come from) or one tool call and its outcome.
 * A recording keeps these ("mcp exchanges") so a rerun needs no server.
 */
export const McpExchangeSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('mcp.list'),
      server: z.string().min(1),
      identity: z.record(z.string(), z.unknown()),
      tools: z.array(McpToolInfoSchema),
    })
    .strict(),
  z
    .object({
      kind: z.literal('mcp.call'),
      server: z.string().min(1),
      tool: z.string().min(1),
      args: z.record(z.string(), z.unknown()),
      /** The server's answer (`isError` results included), or the fault that stood for one. */
      outcome: z.discriminatedUnion('type', [
        z.object({type: z.literal('result'), result: McpCallResultSchema}).strict(),
        z.object({type: z.literal('error'), message: z.string()}).strict(),
      ]),
    })
    .strict(),
])
export type McpExchange = z.infer<typeof McpExchangeSchema>
export type McpListExchange = Extract<McpExchange, {kind: 'mcp.list'}>
export type McpCallExchange = Extract<McpExchange, {kind: 'mcp.call'}>
export type McpCallOutcome = McpCallExchange['outcome']

/** Receives every exchange as it happens (a recording writer). Must not throw. */
export interface McpExchangeRecorder {
  record(exchange: McpExchange): void
}

/** Answers exchanges from a recording instead of the servers (a hermetic rerun). */
export interface McpReplaySource {
  /** The recorded tool list of `server`, or undefined when the recording has none. */
  list(server: string): McpListExchange | undefined
  /** The recorded outcome of this call; throws an Error naming the closest recorded call when none matches. */
  call(server: string, tool: string, args: Record<string, unknown>): McpCallOutcome
}

/**
 * The replay source over a recording's exchanges: the last tool list of each server; calls matched
 * by server, tool and arguments (canonical JSON), each recorded answer used once, in order, then the
 * last one again (a rerun that calls once more than the recording still gets the same answer).
 */
export class RecordedMcpExchanges implements McpReplaySource {
  private readonly lists = new Map<string, McpListExchange>()
  private readonly calls = new Map<string, McpCallExchange[]>()
  private readonly used = new Map<string, number>()

  constructor(exchanges: Iterable<McpExchange>) {
    for (const e of exchanges) {
      if (e.kind === 'mcp.list') this.lists.set(e.server, e)
      else {
        const key = callKey(e.server, e.tool, e.args)
        this.calls.set(key, [...(this.calls.get(key) ?? []), e])
      }
    }
  }

  list(server: string): McpListExchange | undefined {
    return this.lists.get(server)
  }

  call(server: string, tool: string, args: Record<string, unknown>): McpCallOutcome {
    const key = callKey(server, tool, args)
    const recorded = this.calls.get(key)
    if (!recorded || recorded.length === 0)
      throw new Error(`the recording has no call ${tool}(${canonicalJson(args)})${this.closest(server, tool)}`)
    const n = this.used.get(key) ?? 0
    this.used.set(key, n + 1)
    return recorded[Math.min(n, recorded.length - 1)]!.outcome
  }

  private closest(server: string, tool: string): string {
    const same = [...this.calls.values()].flat().filter((e) => e.server === server)
    const pick = same.find((e) => e.tool === tool) ?? same[0]
    return pick ? `; closest recorded: ${pick.tool}(${canonicalJson(pick.args)})` : `; it holds no call to this server`
  }
}

function callKey(server: string, tool: string, args: Record<string, unknown>): string {
  return `${server}\u0000${tool}\u0000${canonicalJson(args)}`
}
