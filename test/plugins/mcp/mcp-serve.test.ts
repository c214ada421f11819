import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {connectSem, startTestServer, type TestServer} from '../../../src/testing/index.js'
import {eventually, profileYaml, scratch, stdioServerYaml} from './mcp-fixtures.js'
import {offeredTools, startToolCallingProvider, type ToolCallingProvider} from './tool-calling-provider.js'

let provider: ToolCallingProvider
let server: TestServer | undefined
let dir: ReturnType<typeof scratch>

beforeEach(async () => {
  provider = await startToolCallingProvider()
  dir = scratch()
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await provider.close()
  dir.cleanup()
})

async function serve(tools: readonly string[], env: Record<string, string> = {}, timeoutMs?: number): Promise<TestServer> {
  server = await startTestServer({
    config: `mcp_servers:\n  files: ${stdioServerYaml({MCP_START_LOG: dir.path('starts'), MCP_CANCEL_LOG: dir.path('cancels'), ...env})}\nprofiles:\n  files: ${profileYaml(provider.baseUrl, tools, timeoutMs)}\n`,
  })
  return server
}

describe('MCP tools in serve (stdio server written with the SDK, real openai-compatible provider)', () => {
  it('offers the server schemas as they are and round-trips a call; isError is a tool error', async () => {
    const s = await serve(['mcp:files', 'calc'])
    const sem = await connectSem(s.url, 'c-round', {profile: 'files'})
    const first = await s.runToEnd('call add {"a": 2, "b": 3}', {convId: 'c-round', profile: 'files'})
    await sem.waitForSeq(first.lastSeq)
    const offered = offeredTools(provider.requests[0])
    expect(Object.keys(offered).sort()).toEqual(['add', 'calc', 'crash', 'echo', 'fail', 'garbage', 'grow', 'hang'])
    expect(offered.add).toEqual({
      type: 'object',
      properties: {a: {type: 'number', description: 'first'}, b: {type: 'number', description: 'second'}},
      required: ['a', 'b'],
      $schema: 'http://json-schema.org/draft-07/schema#',
    })
    expect(sem.events('tool.result')[0]).toMatchObject({result: {sum: 5}})
    expect(sem.events('llm.final').at(-1)?.text).toBe('tool said: {"sum":5}')

    const second = await s.runToEnd('call fail', {convId: 'c-round', profile: 'files'})
    await sem.waitForSeq(second.lastSeq)
    expect(sem.events('tool.result').at(-1)).toMatchObject({error: 'fail was asked to fail'})
    expect(sem.events('run.finished').at(-1)).toMatchObject({status: 'completed'})
    await sem.close()
  })

  it('a crash mid-call is one tool error naming the server (with its stderr); the next call restarts it', async () => {
    const s = await serve(['mcp:files'])
    const sem = await connectSem(s.url, 'c-crash', {profile: 'files'})
    const crashed = await s.runToEnd('call crash', {convId: 'c-crash', profile: 'files'})
    await sem.waitForSeq(crashed.lastSeq)
    const error = String(sem.events('tool.result')[0]?.error)
    expect(error).toMatch(/^mcp server files: exited during crash \(stderr: crashing on purpose\); it restarts on next use$/)
    expect(sem.events('run.finished').at(-1)).toMatchObject({status: 'completed'})

    const after = await s.runToEnd('call echo {"text": "still here"}', {convId: 'c-crash', profile: 'files'})
    await sem.waitForSeq(after.lastSeq)
    expect(sem.events('tool.result').at(-1)).toMatchObject({result: 'still here'})
    expect(dir.lines('starts')).toHaveLength(2)
    await sem.close()
  })

  it('garbage on stdout fails the call at once, naming the server; the next call gets a fresh server', async () => {
    const s = await serve(['mcp:files'])
    const sem = await connectSem(s.url, 'c-garbage', {profile: 'files'})
    const bad = await s.runToEnd('call garbage', {convId: 'c-garbage', profile: 'files'})
    await sem.waitForSeq(bad.lastSeq)
    expect(String(sem.events('tool.result')[0]?.error)).toMatch(
      /^mcp server files: sent something that is not JSON-RPC during garbage: .+; it restarts on next use$/,
    )
    const ok = await s.runToEnd('call add {"a": 1, "b": 1}', {convId: 'c-garbage', profile: 'files'})
    await sem.waitForSeq(ok.lastSeq)
    expect(sem.events('tool.result').at(-1)).toMatchObject({result: {sum: 2}})
    await sem.close()
  })

  it('a hang ends at the per-call timeout, and the server is told to cancel', async () => {
    const s = await serve(['mcp:files'], {}, 400)
    const sem = await connectSem(s.url, 'c-hang', {profile: 'files'})
    const run = await s.runToEnd('call hang', {convId: 'c-hang', profile: 'files'})
    await sem.waitForSeq(run.lastSeq)
    expect(sem.events('tool.result')[0]).toMatchObject({error: 'tool hang timed out after 400 ms'})
    await eventually(() => dir.lines('cancels').length === 1, 'the server to see the cancel')
    await sem.close()
  })

  it('cancelling the run reaches the MCP call; the conversation stays usable', async () => {
    const s = await serve(['mcp:files'])
    const sem = await connectSem(s.url, 'c-cancel', {profile: 'files'})
    await s.chat('call hang', {convId: 'c-cancel', profile: 'files'})
    await sem.waitFor((e) => e.type === 'tool.start')
    const res = await fetch(new URL('api/conversations/c-cancel/cancel', s.url), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: '{}',
    })
    expect(res.status).toBe(200)
    const {lastSeq} = await s.waitIdle('c-cancel')
    await sem.waitForSeq(lastSeq)
    expect(sem.events('run.finished').at(-1)).toMatchObject({status: 'cancelled'})
    await eventually(() => dir.lines('cancels').length === 1, 'the server to see the cancel')
    // The cancelled call was answered ("cancelled"), so the next run does not run it again.
    expect(
      s.server.manager
        .get('c-cancel')
        ?.snapshot()
        .blocks.filter((b) => b.kind === 'tool_use')
        .map((b) => b.payload),
    ).toEqual([{id: 'call_1', result: null, error: 'cancelled'}])
    const after = await s.runToEnd('call echo {"text": "next"}', {convId: 'c-cancel', profile: 'files'})
    await sem.waitForSeq(after.lastSeq)
    expect(sem.events('tool.result').at(-1)).toMatchObject({result: 'next'})
    await sem.close()
  })

  it('a server that will not start refuses the run with one error naming it (503), and is retried on the next request', async () => {
    const s = await serve(['mcp:files'], {MCP_FAIL_START: '1'})
    const res = await fetch(new URL('chat/files', s.url), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({prompt: 'call add {"a":1,"b":2}', conv_id: 'c-down'}),
    })
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      error: 'mcp server files: would not start: it exited before answering (stderr: cannot open the database: permission denied)',
      code: 'mcp_server_unavailable',
      server: 'files',
    })
    const starts = dir.lines('starts').length
    await fetch(new URL('chat/files', s.url), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({prompt: 'again', conv_id: 'c-down'}),
    })
    expect(dir.lines('starts').length).toBeGreaterThan(starts)
  })

  it('a tool list that changes rebuilds the conversation, explained like a plugin change', async () => {
    const s = await serve(['mcp:files'])
    const sem = await connectSem(s.url, 'c-grow', {profile: 'files'})
    const grew = await s.runToEnd('call grow', {convId: 'c-grow', profile: 'files'})
    await sem.waitForSeq(grew.lastSeq)
    expect(offeredTools(provider.requests.at(-1))).not.toHaveProperty('extra')
    const next = await s.runToEnd('call extra', {convId: 'c-grow', profile: 'files'})
    await sem.waitForSeq(next.lastSeq)
    const rebuilt = sem.events('conversation.rebuilt')
    expect(rebuilt).toHaveLength(1)
    expect(rebuilt[0]?.record).toMatchObject({
      source: 'plugin',
      plugin: 'mcp:files',
      reasons: ['mcp server files: tool extra added', 'tool extra added'],
    })
    expect(offeredTools(provider.requests.at(-2))).toHaveProperty('extra')
    expect(sem.events('tool.result').at(-1)).toMatchObject({result: 'extra!'})
    await sem.close()
  })
})
