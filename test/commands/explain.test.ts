import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../src/engine/index.js'
import {startServer, type RunningServer} from '../../src/webchat/index.js'
import {pluginDir} from '../plugins/plugin-files.js'
import {waitIdle} from '../webchat/server/harness.js'
import {jiminy} from './cli-process.js'

const TOKEN = 'explain-test-token-0123456789'
let server: RunningServer
let tmp: Awaited<ReturnType<typeof pluginDir>>

async function chat(body: Record<string, unknown>): Promise<void> {
  const res = await fetch(new URL('/chat', server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json', authorization: `Bearer ${TOKEN}`},
    body: JSON.stringify(body),
  })
  expect(res.status).toBe(200)
  await waitIdle(server, String(body.conv_id))
}

beforeAll(async () => {
  tmp = await pluginDir('jiminy-explain-')
  server = await startServer({
    port: 0,
    logLevel: 'silent',
    token: TOKEN,
    config: parseConfigText('profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n', 'test.yaml'),
  })
  await chat({prompt: 'one', conv_id: 'explained'})
  await chat({prompt: 'two', conv_id: 'explained', overrides: {system_prompt: 'be brief', tools: ['calc']}})
  await chat({
    prompt: 'three',
    conv_id: 'explained',
    overrides: {system_prompt: 'be brief', tools: ['calc'], middlewares: [{name: 'redact'}]},
  })
})
afterAll(async () => {
  await server?.close()
  await tmp?.cleanup()
})

const explain = (args: string[]) => jiminy(['explain', ...args], {dataHome: tmp.dir})

describe('jiminy explain', () => {
  it('prints each rebuild of a live conversation: when, signatures, reasons, json-diff', async () => {
    const r = await explain(['explained', '--server', server.url, '--token', TOKEN])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const text = r.stdout
    expect(text).toMatch(/^conversation explained {2}profile default {2}signature [0-9a-f]{12} {2}rebuilds 2\n/)
    const first = text.indexOf('\n#1 ')
    const second = text.indexOf('\n#2 ')
    expect(first).toBeGreaterThan(0)
    expect(second).toBeGreaterThan(first)
    expect(text.slice(first, second)).toMatch(
      /#1 \d{4}-\d\d-\d\dT[^ ]+ {2}[0-9a-f]{12} → [0-9a-f]{12}\n {2}system_prompt added\n {2}tool clock removed\n/,
    )
    expect(text.slice(first, second)).toContain('+  system_prompt: "be brief"')
    expect(text.slice(second)).toContain('  middleware redact added')
    expect(text).not.toContain(TOKEN)
  })

  it('--json returns the conversation with its rebuild records', async () => {
    const r = await explain(['explained', '--server', server.url, '--token', TOKEN, '--json'])
    const out = JSON.parse(r.stdout)
    expect(out.rebuilds).toHaveLength(2)
    expect(out.rebuilds[0].reasons).toEqual(['system_prompt added', 'tool clock removed'])
  })

  it('a wrong token or unknown conversation exits 2 with the HTTP error', async () => {
    const denied = await explain(['explained', '--server', server.url, '--token', 'wrong'])
    expect(denied.code).toBe(2)
    expect(denied.stderr).toMatch(/^jiminy: \/api\/conversations\/explained: HTTP 401: /)
    const missing = await explain(['nope', '--server', server.url, '--token', TOKEN])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/HTTP 404/)
  })
})
