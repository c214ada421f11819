import {resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../src/engine/index.js'
import {startServer, type RunningServer} from '../../src/webchat/index.js'
import {pluginDir} from '../plugins/plugin-files.js'
import {waitIdle} from '../webchat/server/harness.js'
import {jiminy, root} from './cli-process.js'

let tmp: Awaited<ReturnType<typeof pluginDir>>
let configPath: string
let server: RunningServer

beforeAll(async () => {
  tmp = await pluginDir('jiminy-run-trace-')
  configPath = await tmp.write(
    'jiminy.yaml',
    `plugins: ["${resolve(root, 'examples/jiminy-plugin-example/plugin.js')}"]
profiles:
  default:
    provider: {type: mock, delay_ms: 0}
    tools: [calc]
    middlewares: [{name: tool-result-reorder}, {name: shout}]
`,
  )
  server = await startServer({
    port: 0,
    logLevel: 'silent',
    config: parseConfigText('profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    tools: [calc]\n', 'test.yaml'),
  })
  const res = await fetch(new URL('/chat', server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({prompt: 'what is 2+3? /tool', conv_id: 'timed'}),
  })
  expect(res.status).toBe(200)
  await waitIdle(server, 'timed')
})
afterAll(async () => {
  await server?.close()
  await tmp?.cleanup()
})

describe('jiminy run: revisions and --trace', () => {
  it('prints the answer a middleware revised, and --trace prints the trace tree and the timeline', async () => {
    const r = await jiminy(['run', '--config', configPath, '--trace', 'what is 2+3? /tool'], {dataHome: tmp.dir})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = r.stdout
    // Streamed as the engine said it, then the answer as the snapshot holds it.
    expect(out).toContain('According to the tools, 2+3 = 5.')
    expect(out).toContain('↻ revised by shout:\nACCORDING TO THE TOOLS, 2+3 = 5.!')
    expect(out).toMatch(
      /middleware trace\n├─ round 1\n│  └─ tool-result-reorder [\d.]+ m?s \(self [\d.]+ m?s\) · no change\n│     └─ shout [\d.]+ m?s \(self [\d.]+ m?s\)\n│        response ~ llm_text blk_\S+ "LET ME USE A TOOL\. !" \(was "Let me use a tool\. "\)\n└─ round 2\n/,
    )
    expect(out).toMatch(
      /timeline {2}total [\d.]+ m?s\n +\+ *[\d.]+ m?s {2}inference mock-1 {2}first token [\d.]+ m?s · [\d.]+ m?s · [\d.]+ tok\/s\n +\+ *[\d.]+ m?s {2}tool calc {2}[\d.]+ m?s\n/,
    )
  })

  it('--json carries the revision and the trace as events', async () => {
    const r = await jiminy(['run', '--config', configPath, '--json', 'hello'], {dataHome: tmp.dir})
    expect(r.code).toBe(0)
    const result = JSON.parse(r.stdout) as {events: {type: string; text?: string; by?: string[]}[]}
    expect(result.events.find((e) => e.type === 'answer-revised')).toMatchObject({by: ['shout']})
    expect(result.events.filter((e) => e.type === 'middleware-trace')).toHaveLength(1)
  })
})

describe('jiminy explain --runs', () => {
  it("lists the live conversation's runs with their timelines", async () => {
    const r = await jiminy(['explain', 'timed', '--server', server.url, '--runs'], {dataHome: tmp.dir})
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^conversation timed {2}runs 1\n\n#1 inf_\S+ {2}completed \(stop\) {2}[\d.]+ m?s\n {2}timeline {2}total /)
    expect(r.stdout).toMatch(/tool calc {2}[\d.]+ m?s/)
    expect(r.stdout.match(/inference mock-1/g)).toHaveLength(2)
  })
})
