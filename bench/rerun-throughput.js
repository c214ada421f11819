// Rerun throughput: recorded runs per second through `jiminy replay --rerun` (the recording's
// inputs through today's Session, tool loop and middlewares, the openai-chat engine answered from
// the cassette: two exchanges per run, a calc tool call then the answer, frames normalised and
// compared with the golden), against the same prompt through `runOnce` on the mock engine with no
// delay (the cost of a run with no provider at all). Then replay throughput (events/s through
// `jiminy replay`) against reading + JSON.parse of the same lines, as bench/replay-throughput.js
// measures it, on a fixture made by concatenating rerun events.
// Run: npm run build && node bench/rerun-throughput.js [runs=200] [replay-events=200000]
import {createServer} from 'node:http'
import {spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import WebSocket from 'ws'
import {benchRow} from './bench-row.js'
import {startServer} from '../dist/webchat/index.js'
import {rerunRecording} from '../dist/fixtures/index.js'
import {runOnce, loadEngineBuilder} from '../dist/engine/index.js'

const ROOT = join(fileURLToPath(import.meta.url), '../..')
const runs = Number(process.argv[2] ?? 200)
const replayEvents = Number(process.argv[3] ?? 200_000)
const transcript = (name) => readFile(join(ROOT, 'test/fixtures/providers/openai-chat', `${name}.sse`), 'utf8')
const script = [await transcript('tool-call'), await transcript('text')]

const dir = await mkdtemp(join(tmpdir(), 'jiminy-rerun-bench-'))
try {
  let served = 0
  const upstream = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, {'content-type': 'text/event-stream'})
      res.end(script[served++ % 2])
    })
  })
  await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  const configPath = join(dir, 'jiminy.yaml')
  await writeFile(
    configPath,
    `default_profile: oa
profiles:
  oa:
    provider: {type: openai-chat, model: m-1, base_url: "http://127.0.0.1:${upstream.address().port}/v1", api_key_env: BENCH_KEY, max_retries: 0}
    tools: [calc]
  mock:
    provider: {type: mock, delay_ms: 0}
    tools: [calc]
`,
  )
  // One recording with one run, through serve --record.
  const server = await startServer({
    port: 0,
    logLevel: 'silent',
    configPath,
    record: {dir: join(dir, 'rec')},
    env: {...process.env, BENCH_KEY: 'sk-bench'},
  })
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}ws?conv_id=bench&profile=oa`)
  let finished = 0
  ws.on('message', (d) => (JSON.parse(d.toString()).event?.type === 'run.finished' ? finished++ : undefined))
  await new Promise((r) => ws.once('open', r))
  await fetch(new URL('chat/oa', server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({prompt: 'what is 2+3?', conv_id: 'bench'}),
  })
  while (finished < 1) await new Promise((r) => setTimeout(r, 5))
  ws.close()
  await server.close()
  upstream.close()
  const fixture = join(dir, 'rec', 'bench.jsonl')

  const builder = await loadEngineBuilder({configPath, env: {}})
  // Warm up both paths, then measure.
  for (let i = 0; i < 5; i++) await rerunRecording(fixture, {builder, env: {}})
  let start = performance.now()
  for (let i = 0; i < runs; i++) {
    const r = await rerunRecording(fixture, {builder, env: {}})
    if (r.status !== 'passed') throw new Error(`rerun failed: ${JSON.stringify(r.violations[0] ?? r.error)}`)
  }
  const rerunSeconds = (performance.now() - start) / 1000
  for (let i = 0; i < 5; i++) await runOnce({prompt: 'what is 2+3? /tool', profile: 'mock', configPath, dataDir: false})
  start = performance.now()
  for (let i = 0; i < runs; i++) await runOnce({prompt: 'what is 2+3? /tool', profile: 'mock', configPath, dataDir: false})
  const runOnceSeconds = (performance.now() - start) / 1000
  const rerunRate = runs / rerunSeconds
  const runOnceRate = runs / runOnceSeconds
  console.log(
    `rerun (openai-chat via cassette, 2 exchanges, compare with golden): ${rerunRate.toFixed(1)} runs/s (${((rerunSeconds / runs) * 1000).toFixed(2)} ms/run)`,
  )
  console.log(
    `runOnce (mock engine, delay 0, tool call):                        ${runOnceRate.toFixed(1)} runs/s (${((runOnceSeconds / runs) * 1000).toFixed(2)} ms/run)`,
  )
  console.log(`ratio runOnce/rerun: ${(runOnceRate / rerunRate).toFixed(2)}x`)
  benchRow('rerun, runs/s', rerunRate / runOnceRate, {target: '>= 0.70', detail: `${runs} runs`})

  // Replay throughput of this kind of fixture, with bench/replay-throughput.js's generator and
  // children (replay vs read + JSON.parse, each in its own process).
  const out = spawnSync(process.execPath, [join(ROOT, 'bench/replay-throughput.js'), String(replayEvents)], {
    encoding: 'utf8',
    env: {...process.env, JIMINY_BENCH_ROWS: '0'},
  })
  process.stdout.write(out.stdout)
  if (out.status !== 0) process.stderr.write(out.stderr)
} finally {
  await rm(dir, {recursive: true, force: true})
}
