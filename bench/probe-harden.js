#!/usr/bin/env node
// Re-runs issue 23's probe cases for plugins, secrets and replay against the built package (npm run build
// first) and prints the figures for the closing note. Loopback only, a temp dir, nothing left behind.
//   node bench/probe-harden.js
import {execFile} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import WebSocket from 'ws'
import {appendBlocks, lastUserText, registerSecret, StreamingMessage} from '../dist/core/index.js'
import {startServer} from '../dist/webchat/index.js'

const ROOT = join(import.meta.dirname, '..')
const KEY = 'zq9-Opaque-Key-4711xyz'
const PLUGIN = `export default ({definePlugin, defineMiddleware, defineToolExecutor, defineSubscriber, z}) => definePlugin({
  name: 'unruly', version: '1.0.0',
  subscribers: [defineSubscriber({name: 'webhook', config: z.object({}).strict(), create: () => ({publish: async () => { throw new Error('webhook down') }})})],
  middlewares: [defineMiddleware({name: 'hang-on', config: z.object({}).strict(), create: () => (next) => (turn, ctx) =>
    String(turn.blocks.at(-1)?.payload?.text ?? '').includes('/hang') ? new Promise(() => {}) : next(turn, ctx)})],
  toolExecutors: [defineToolExecutor({name: 'stuck', config: z.object({}).strict(), create: () => ({execute: () => new Promise(() => {})})})],
})`
const CONFIG = `plugins: [./unruly.mjs]
profiles:
  default: {provider: {type: mock, delay_ms: 0}, subscribers: [{name: webhook}], middlewares: [{name: hang-on}]}
  stuck: {provider: {type: mock, delay_ms: 0}, tool_executor: {name: stuck}, loop: {timeout_ms: 1000}}
`
const dir = await mkdtemp(join(tmpdir(), 'jiminy-probe-harden-'))
const rows = []
const row = (name, value) => {
  rows.push([name, value])
  console.log(`${name}: ${value}`)
}

async function post(server, path, body) {
  const res = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(body),
  })
  return {status: res.status, body: await res.json()}
}

function watch(server, convId) {
  const frames = []
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}ws?conv_id=${convId}`)
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()).event))
  return new Promise((resolve) => ws.once('open', () => resolve({frames, ws})))
}

async function until(pred, ms = 10_000) {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

try {
  await writeFile(join(dir, 'unruly.mjs'), PLUGIN)
  await writeFile(join(dir, 'jiminy.yaml'), CONFIG)
  let unhandled = 0
  process.on('unhandledRejection', () => unhandled++)

  // 1. An async subscriber that rejects on every event, over 20 runs.
  const server = await startServer({port: 0, logLevel: 'silent', configPath: join(dir, 'jiminy.yaml'), store: 'memory'})
  const sub = await watch(server, 'probe-sub')
  for (let i = 0; i < 20; i++) {
    const {body} = await post(server, '/chat', {prompt: `hello ${i}`, conv_id: 'probe-sub'})
    await until(() => sub.frames.some((f) => f.type === 'run.finished' && f.inference_id === body.inference_id))
  }
  row('rejecting subscriber, 20 runs: unhandled rejections', unhandled)
  row('rejecting subscriber, 20 runs: log frames (expected 1)', sub.frames.filter((f) => f.type === 'log').length)
  row('rejecting subscriber: server still answers', (await fetch(new URL('/api/conversations', server.url))).status === 200)
  sub.ws.close()

  // 2. A middleware that never resolves: cancel latency, then the next prompt.
  const hang = await watch(server, 'probe-hang')
  const latencies = []
  for (let i = 0; i < 5; i++) {
    const {body} = await post(server, '/chat', {prompt: 'wait /hang', conv_id: 'probe-hang'})
    await new Promise((r) => setTimeout(r, 50))
    const t0 = performance.now()
    await post(server, '/api/conversations/probe-hang/cancel', {})
    await until(() => hang.frames.some((f) => f.type === 'run.finished' && f.inference_id === body.inference_id))
    latencies.push(performance.now() - t0)
  }
  row('hung middleware: cancel → run.finished, max ms of 5', Math.round(Math.max(...latencies)))
  row('hung middleware: next prompt status', (await post(server, '/chat', {prompt: 'fine', conv_id: 'probe-hang'})).status)
  hang.ws.close()

  // 3. A custom executor that never answers, loop.timeout_ms 1000.
  const stuck = await watch(server, 'probe-stuck')
  const t0 = performance.now()
  const {body} = await post(server, '/chat/stuck', {prompt: 'what is 2+3? /tool', conv_id: 'probe-stuck'})
  await until(() => stuck.frames.some((f) => f.type === 'run.finished' && f.inference_id === body.inference_id))
  row('hung executor (timeout 1 s): run ends after ms', Math.round(performance.now() - t0))
  row('hung executor: run status', stuck.frames.find((f) => f.type === 'run.finished')?.status)
  stuck.ws.close()
  await server.close()

  // 4. A key split at every position (two chunks) and one character a chunk.
  registerSecret(KEY)
  const text = `Here it is: ${KEY}. Done`
  const splitter = await startServer({
    port: 0,
    logLevel: 'silent',
    store: 'memory',
    engineFactory: () => ({
      async runInference(turn) {
        const where = lastUserText(turn)
        const cuts = where === 'each' ? [...text].map((_, i) => i + 1) : [Number(where), text.length]
        const m = new StreamingMessage('probe-1')
        let from = 0
        for (const cut of cuts) {
          m.textDelta(text.slice(from, cut))
          from = cut
        }
        return appendBlocks(turn, ...m.finish({stopReason: 'stop'}))
      },
    }),
  })
  const split = await watch(splitter, 'probe-split')
  let leaks = 0
  const plans = [...Array.from({length: text.length - 1}, (_, i) => String(i + 1)), 'each']
  for (const plan of plans) {
    const before = split.frames.length
    const {body} = await post(splitter, '/chat', {prompt: plan, conv_id: 'probe-split'})
    await until(() => split.frames.some((f) => f.type === 'run.finished' && f.inference_id === body.inference_id))
    const deltas = split.frames.slice(before).filter((f) => f.type === 'llm.delta')
    if (
      deltas
        .map((f) => f.delta)
        .join('')
        .includes(KEY) ||
      deltas.some((f) => f.cumulative.includes(KEY))
    )
      leaks++
  }
  row(`key split at every position (${plans.length} plans): runs whose deltas spell the key`, leaks)
  split.ws.close()
  await splitter.close()

  // 5. replay --json on a fixture whose 11 MB line is quoted in a violation.
  const lines = (await readFile(join(ROOT, 'fixtures/plain-text.jsonl'), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
  const partial = lines.find((l) => l.payload.type === 'partial')
  partial.payload.delta = partial.payload.completion = 'x'.repeat(11 * 1024 * 1024)
  await writeFile(join(dir, 'huge.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
  const out = await new Promise((resolve) =>
    execFile(
      process.execPath,
      [join(ROOT, 'bin/run.js'), 'replay', join(dir, 'huge.jsonl'), '--json'],
      {maxBuffer: 1 << 28},
      (error, stdout) => resolve({code: error?.code ?? 0, stdout}),
    ),
  )
  let documents = 0
  try {
    JSON.parse(out.stdout)
    documents = 1
  } catch {}
  row('replay --json, 11 MB line: exit code', out.code)
  row('replay --json, 11 MB line: JSON documents on stdout', documents)
} finally {
  await rm(dir, {recursive: true, force: true})
}
