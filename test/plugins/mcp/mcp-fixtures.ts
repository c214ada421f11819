import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The stdio MCP server the tests start (`node stdio-server.mjs`), an absolute path. */
export const STDIO_SERVER = join(dirname(fileURLToPath(import.meta.url)), 'stdio-server.mjs')

/** `mcp_servers.NAME` for the test stdio server, as YAML flow text; `env` sets its MCP_* switches. */
export function stdioServerYaml(env: Record<string, string> = {}): string {
  return JSON.stringify({command: process.execPath, args: [STDIO_SERVER], env})
}

/** A profile on the tool-calling provider that takes `tools`, with a per-call timeout. */
export function profileYaml(baseUrl: string, tools: readonly string[], timeoutMs = 10_000): string {
  return JSON.stringify({
    provider: {type: 'openai-compatible', model: 'mcp-caller', base_url: baseUrl},
    tools,
    middlewares: [],
    loop: {max_iterations: 3, timeout_ms: timeoutMs},
  })
}

/** A scratch directory removed by `cleanup()`; `lines(name)` reads a log file the server wrote there. */
export function scratch(): {dir: string; path(name: string): string; lines(name: string): string[]; cleanup(): void} {
  const dir = mkdtempSync(join(tmpdir(), 'jiminy-mcp-'))
  return {
    dir,
    path: (name) => join(dir, name),
    lines(name) {
      try {
        return readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean)
      } catch {
        return []
      }
    },
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}

/** Polls `check` until it holds (server-side effects happen after the client saw the answer). */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
