import {writeFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {signatureOf} from '../../../src/engine/engine-config.js'
import {runOnce} from '../../../src/conversation/run-once.js'
import {mcpServerPool, McpExchangeSchema, RecordedMcpExchanges, ResourceScope, type McpExchange} from '../../../src/plugins/index.js'
import {profileYaml, scratch, stdioServerYaml} from './mcp-fixtures.js'
import {startToolCallingProvider, type ToolCallingProvider} from './tool-calling-provider.js'

let provider: ToolCallingProvider
let dir: ReturnType<typeof scratch>

beforeAll(async () => {
  provider = await startToolCallingProvider()
  dir = scratch()
})
afterAll(async () => {
  await provider.close()
  dir.cleanup()
})

function config(name: string, server: string): string {
  const file = dir.path(name)
  writeFileSync(file, `mcp_servers:\n  files: ${server}\nprofiles:\n  files: ${profileYaml(provider.baseUrl, ['mcp:files'])}\n`)
  return file
}

const toolUses = (blocks: readonly {kind: string; payload: unknown}[]) => blocks.filter((b) => b.kind === 'tool_use').map((b) => b.payload)

describe('MCP exchanges: captured at the client boundary, answered from a recording with the server absent', () => {
  it('a rerun with the server gone gives the recorded results and the recorded signature', async () => {
    // Live: the real server; every exchange goes through the pool's listener (what a recording keeps).
    const liveScope = new ResourceScope()
    const captured: McpExchange[] = []
    // Through JSON and the schema, as a recording file would hold it.
    mcpServerPool(liveScope).onExchange((exchange) => captured.push(McpExchangeSchema.parse(JSON.parse(JSON.stringify(exchange)))))
    const live = await runOnce({
      configPath: config('live.yaml', stdioServerYaml()),
      profile: 'files',
      prompt: 'call add {"a": 20, "b": 22}',
      resources: liveScope,
      dataDir: false,
    })
    await liveScope.close()
    expect(live.outcome.status).toBe('completed')
    expect(toolUses(live.outcome.turn.blocks)).toEqual([{id: 'call_1', result: {sum: 42}}])
    expect(captured.map((e) => e.kind)).toEqual(['mcp.list', 'mcp.call'])

    // Rerun: the server's command no longer exists; the recording answers the listing and the call.
    const absent = JSON.stringify({command: dir.path('no-such-server')})
    const replay = async (file: string, prompt: string) => {
      const scope = new ResourceScope()
      mcpServerPool(scope).replayFrom(new RecordedMcpExchanges(captured))
      const result = await runOnce({configPath: config(file, absent), profile: 'files', prompt, resources: scope, dataDir: false})
      await scope.close()
      return result
    }
    const rerun = await replay('rerun.yaml', 'call add {"a": 20, "b": 22}')
    expect(rerun.outcome.status).toBe('completed')
    expect(toolUses(rerun.outcome.turn.blocks)).toEqual([{id: expect.any(String), result: {sum: 42}}])
    expect(signatureOf(rerun.config).hash).toBe(signatureOf(live.config).hash)

    // A call the recording lacks is a tool error naming the closest recorded call, not a live call.
    const miss = await replay('miss.yaml', 'call add {"a": 1, "b": 2}')
    expect(toolUses(miss.outcome.turn.blocks)[0]).toMatchObject({
      error: 'mcp server files: the recording has no call add({"a":1,"b":2}); closest recorded: add({"a":20,"b":22})',
    })
  })

  it('live tools against the absent server: one error naming it', async () => {
    const absent = JSON.stringify({command: dir.path('no-such-server')})
    await expect(
      runOnce({configPath: config('gone.yaml', absent), profile: 'files', prompt: 'call add {"a": 1, "b": 2}', dataDir: false}),
    ).rejects.toThrow(/^mcp server files: would not start: .*ENOENT/)
  })
})
