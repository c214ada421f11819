import {Writable} from 'node:stream'
import {pino} from 'pino'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {RunningServer} from '../../../src/webchat/index.js'
import {pluginDir} from '../../plugins/plugin-files.js'
import {postJson, startServerForTest, TestClient} from './harness.js'

/**
 * A plugin that misbehaves in every way a plugin can (DESIGN §5, issue 23 item 1): an async
 * subscriber whose webhook is down, a middleware that hangs on `/hang`, an executor that never answers.
 */
const PLUGIN = `export default ({definePlugin, defineMiddleware, defineToolExecutor, defineSubscriber, z}) => definePlugin({
  name: 'unruly',
  version: '1.0.0',
  subscribers: [defineSubscriber({name: 'webhook', config: z.object({}).strict(), create: () => ({publish: async () => { throw new Error('webhook down: ECONNREFUSED') }})})],
  middlewares: [defineMiddleware({name: 'hang-on', config: z.object({}).strict(), create: () => (next) => (turn, ctx) => {
    const last = turn.blocks.at(-1)
    return String(last?.payload?.text ?? '').includes('/hang') ? new Promise(() => {}) : next(turn, ctx)
  }})],
  toolExecutors: [defineToolExecutor({name: 'stuck', config: z.object({}).strict(), create: () => ({execute: () => new Promise(() => {})})})],
})
`

const CONFIG = `plugins: [./unruly.mjs]
profiles:
  default:
    provider: {type: mock, delay_ms: 0}
    subscribers: [{name: webhook}]
    middlewares: [{name: hang-on}]
  stuck:
    provider: {type: mock, delay_ms: 0}
    tool_executor: {name: stuck}
    loop: {timeout_ms: 300}
  slowmw:
    provider: {type: mock, delay_ms: 0}
    middlewares: [{name: hang-on}]
    loop: {middleware_timeout_ms: 300}
`

describe('plugin calls are guarded (serve)', () => {
  let files: Awaited<ReturnType<typeof pluginDir>>
  let server: RunningServer
  const logLines: {msg: string; subscriber?: string; conv_id?: string}[] = []

  beforeAll(async () => {
    files = await pluginDir('jiminy-guards-')
    await files.write('unruly.mjs', PLUGIN)
    const configPath = await files.write('jiminy.yaml', CONFIG)
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as (typeof logLines)[number])
        done()
      },
    })
    server = await startServerForTest({configPath, logger: pino({level: 'info'}, sink), store: 'memory'})
  })
  afterAll(async () => {
    await server?.close()
    await files?.cleanup()
  })

  async function run(client: TestClient, convId: string, prompt: string, profile?: string) {
    const before = client.sem.length
    const res = await postJson(server, profile ? `/chat/${profile}` : '/chat', {prompt, conv_id: convId})
    expect(res.status).toBe(200)
    const inferenceId = res.body.inference_id as string
    await client.waitFor(
      () => client.sem.some((f) => f.type === 'run.finished' && f.inference_id === inferenceId),
      `run.finished of ${inferenceId}`,
    )
    return {frames: client.sem.slice(before), inferenceId}
  }

  it('an async subscriber that rejects is reported once (log line + log frame) and the server keeps serving', async () => {
    const client = await TestClient.connect(server, {conv_id: 'sub-1'})
    const first = await run(client, 'sub-1', 'hello')
    expect(first.frames.at(-1)).toMatchObject({type: 'run.finished', status: 'completed'})
    const logs = first.frames.filter((f) => f.type === 'log')
    expect(logs).toHaveLength(1)
    expect(logs[0]).toMatchObject({level: 'warn', fields: {subscriber: 'webhook', code: 'subscriber_failed'}})
    expect(logs[0]!.message).toMatch(/^subscriber webhook failed: webhook down: ECONNREFUSED/)
    // A second run fails the same way: counted, not reported again.
    const second = await run(client, 'sub-1', 'again')
    expect(second.frames.filter((f) => f.type === 'log')).toHaveLength(0)
    expect(logLines.filter((l) => l.subscriber === 'webhook' && l.conv_id === 'sub-1')).toHaveLength(1)
    expect((await fetch(new URL('/api/conversations', server.url))).status).toBe(200)
    client.ws.close()
  })

  it('a hung middleware is abandoned on cancel: the run ends cancelled within 2 s and the next prompt is accepted', async () => {
    const client = await TestClient.connect(server, {conv_id: 'hang-1'})
    const res = await postJson(server, '/chat', {prompt: 'wait /hang', conv_id: 'hang-1'})
    expect(res.status).toBe(200)
    // The middleware hangs before the prompt reaches the engine (and is announced): wait for the claim.
    while (!server.manager.get('hang-1')?.running()) await new Promise((r) => setTimeout(r, 10))
    await new Promise((r) => setTimeout(r, 100))
    expect((await postJson(server, '/chat', {prompt: 'again', conv_id: 'hang-1'})).status).toBe(409)
    const t0 = performance.now()
    expect((await postJson(server, '/api/conversations/hang-1/cancel', {})).body).toMatchObject({cancelled: true})
    await client.waitFor(() => client.sem.some((f) => f.type === 'run.finished'), 'run.finished', 5_000)
    expect(performance.now() - t0).toBeLessThan(2_000)
    expect(client.sem.find((f) => f.type === 'run.finished')).toMatchObject({status: 'cancelled'})
    const next = await run(client, 'hang-1', 'hello after the hang')
    expect(next.frames.at(-1)).toMatchObject({type: 'run.finished', status: 'completed'})
    client.ws.close()
  })

  it('a custom executor that never answers gets the per-call timeout: an error result, and the run goes on', async () => {
    const client = await TestClient.connect(server, {conv_id: 'stuck-1', profile: 'stuck'})
    const {frames} = await run(client, 'stuck-1', 'what is 2+3? /tool', 'stuck')
    expect(frames.find((f) => f.type === 'tool.result')).toMatchObject({error: expect.stringMatching(/timed out after 300 ms/)})
    expect(frames.at(-1)).toMatchObject({type: 'run.finished', status: 'completed'})
    client.ws.close()
  })

  it('a middleware past its own timeout fails the run naming it; the conversation stays usable', async () => {
    const client = await TestClient.connect(server, {conv_id: 'slow-1', profile: 'slowmw'})
    const {frames} = await run(client, 'slow-1', 'wait /hang', 'slowmw')
    expect(frames.find((f) => f.type === 'run.error')).toMatchObject({message: 'middleware hang-on timed out after 300 ms'})
    expect(frames.at(-1)).toMatchObject({type: 'run.finished', status: 'failed'})
    const next = await run(client, 'slow-1', 'fine now', 'slowmw')
    expect(next.frames.at(-1)).toMatchObject({type: 'run.finished', status: 'completed'})
    client.ws.close()
  })
})
