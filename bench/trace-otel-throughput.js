// Streaming throughput with the middleware trace and with the otel subscriber, each against a
// baseline measured in the same run: runs of DELTAS text deltas (StreamingMessage → publish() →
// the run's sinks) through a Session whose engine sits in three pass-through middlewares.
//   baseline: the middlewares composed plainly (no trace), no otel sink
//   trace:    the same middlewares through traceMiddlewares (timed, diffed, revision check, one
//             middleware-trace event per run)
//   otel:     the traced chain plus the built-in otel subscriber exporting to a local OTLP/HTTP
//             receiver (batch span processor, like a real deployment)
// Rows: deltas/s of trace and of trace+otel over the baseline (ratio, higher is better).
// Run: npm run build && node bench/trace-otel-throughput.js [deltas-per-run=20000] [runs=40]
import {createServer} from 'node:http'
import {setImmediate as tick} from 'node:timers/promises'
import {benchRow} from './bench-row.js'

const DELTAS = Number(process.argv[2] ?? 20000)
const RUNS = Number(process.argv[3] ?? 40)
const BATCH = 100

const core = await import('../dist/core/index.js')
const {builtinPlugin} = await import('../dist/plugins/builtin/index.js')
const {ResourceScope} = await import('../dist/plugins/index.js')
const {Session, StreamingMessage, appendBlocks, composeMiddlewares, traceMiddlewares} = core

const engine = async (turn) => {
  const msg = new StreamingMessage('bench-1')
  for (let i = 0; i < DELTAS; i += BATCH) {
    for (let j = i; j < Math.min(DELTAS, i + BATCH); j++) msg.textDelta(`w${j} `)
    await tick()
  }
  return appendBlocks(turn, ...msg.finish({stopReason: 'stop', usage: {input_tokens: 10, output_tokens: DELTAS}}))
}
const pass = (next) => (turn, ctx) => next(turn, ctx)
const named = [0, 1, 2].map((i) => ({name: `pass-${i}`, middleware: pass}))

let received = 0
const receiver = createServer((req, res) => {
  req.on('data', (c) => (received += c.length))
  req.on('end', () => res.end('{}'))
})
await new Promise((r) => receiver.listen(0, '127.0.0.1', r))
const endpoint = `http://127.0.0.1:${receiver.address().port}/v1/traces`

async function measure(label, makePipeline) {
  const {run, sinks, close} = makePipeline()
  const counter = {events: 0, publish: () => counter.events++}
  const session = new Session(`bench-${label}`, {run, sinks: [counter, ...sinks]})
  // Warm-up run, then the timed ones.
  await session.start(session.seedWithPrompt('warm up')).wait()
  const t0 = process.hrtime.bigint()
  for (let r = 0; r < RUNS; r++) {
    // A fresh seed each run: the snapshot would otherwise grow by DELTAS words per run.
    await session.start({...core.newTurn([core.userBlock('go')]), id: core.newId('turn')}).wait()
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  await close?.()
  const rate = (RUNS * DELTAS) / seconds
  console.log(
    `${label.padEnd(10)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} deltas/s  (${RUNS} runs × ${DELTAS} deltas in ${seconds.toFixed(2)} s)`,
  )
  return rate
}

const baseline = () => ({
  run: composeMiddlewares(
    engine,
    named.map((m) => m.middleware),
  ),
  sinks: [],
})
const traced = () => {
  const chain = traceMiddlewares(engine, named)
  return {run: chain.around(chain.inference), sinks: []}
}
const otel = () => {
  const chain = traceMiddlewares(engine, named)
  const resources = new ResourceScope()
  const contribution = builtinPlugin.subscribers.find((s) => s.name === 'otel')
  const config = contribution.config.parse({endpoint})
  const sink = contribution.create(config, {profile: 'bench', provider: 'mock', tools: [], env: {}, resources, convId: 'bench-otel'})
  return {run: chain.around(chain.inference), sinks: [sink], close: () => resources.close()}
}

// Interleaved, three times, so drift (JIT, GC, a neighbour's load) hits every configuration alike.
const rates = {baseline: [], trace: [], otel: []}
for (let round = 0; round < 3; round++) {
  rates.baseline.push(await measure('baseline', baseline))
  rates.trace.push(await measure('trace', traced))
  rates.otel.push(await measure('trace+otel', otel))
}
receiver.close()
const best = (xs) => Math.max(...xs)
const traceRatio = best(rates.trace) / best(rates.baseline)
const otelRatio = best(rates.otel) / best(rates.baseline)
console.log(`\ntrace / baseline       ${traceRatio.toFixed(3)}`)
console.log(`trace+otel / baseline  ${otelRatio.toFixed(3)}   (OTLP bytes received: ${received.toLocaleString('en-US')})`)
// What a run costs on top of the baseline, in µs: the per-run spans and their export, not per delta.
const perRun = (rate) => ((DELTAS / rate - DELTAS / best(rates.baseline)) * 1e6).toFixed(0)
console.log(
  `extra per run: trace ${perRun(best(rates.trace))} µs, trace+otel ${perRun(best(rates.otel))} µs (the OTLP receiver shares this thread)`,
)
benchRow('streaming with middleware trace, deltas/s', Number(traceRatio.toFixed(3)), {
  target: '>= 0.90',
  detail: `${DELTAS} deltas × ${RUNS} runs, 3 middlewares`,
})
benchRow('streaming with trace + otel subscriber, deltas/s', Number(otelRatio.toFixed(3)), {
  target: '>= 0.80',
  detail: 'batch span processor to a local OTLP/HTTP receiver',
})
