/** What went wrong with an MCP server; every message names the server. */
export type McpFault =
  | 'start' // would not start, or did not answer initialize / tools/list in time
  | 'crash' // the process exited or the connection closed while in use
  | 'garbage' // it sent something that is not JSON-RPC, or a result of the wrong shape
  | 'tool' // it answered the call with a JSON-RPC error
  | 'stopped' // jiminy stopped it (config reload, shutdown)
  | 'unknown-tool' // it does not (or no longer) offer the tool
  | 'replay' // a rerun asked for a call the recording does not hold

export class McpServerError extends Error {
  constructor(
    readonly server: string,
    readonly fault: McpFault,
    detail: string,
  ) {
    super(`mcp server ${server}: ${detail}`)
    this.name = 'McpServerError'
  }

  static isInstance(error: unknown): error is McpServerError {
    return error instanceof McpServerError
  }
}
