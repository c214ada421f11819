// Core event throughput: events published through the run-context sink path per second, against a
// plain function-call loop that hands the same pre-built events to the same sink. Prints the ratio.
// Run: npm run build && node bench/core-throughput.js [events]
import {publish, withRunContext} from '../dist/core/index.js'

const N = Number(process.argv[2] ?? 1_000_000)
const ROUNDS = 5

function countingSink() {
  let n = 0
  return {
    publish: () => void n++,
    get count() {
      return n
    },
  }
}

function viaPublish() {
  const sink = countingSink()
  const ctx = {sessionId: 'conv', inferenceId: 'inf', turnId: 'turn', signal: new AbortController().signal, sinks: [sink]}
  const start = process.hrtime.bigint()
  withRunContext(ctx, () => {
    let completion = ''
    for (let i = 0; i < N; i++) {
      const delta = i % 7 === 0 ? 'word ' : 'x'
      completion = completion.length > 64 ? delta : completion + delta
      publish({type: 'partial', delta, completion}, {message_id: 'msg'})
    }
  })
  const ns = Number(process.hrtime.bigint() - start)
  if (sink.count !== N) throw new Error('lost events')
  return N / (ns / 1e9)
}

function baseline() {
  const sink = countingSink()
  const start = process.hrtime.bigint()
  let completion = ''
  for (let i = 0; i < N; i++) {
    const delta = i % 7 === 0 ? 'word ' : 'x'
    completion = completion.length > 64 ? delta : completion + delta
    sink.publish({
      type: 'partial',
      delta,
      completion,
      meta: {id: `evt_${i}`, session_id: 'conv', inference_id: 'inf', turn_id: 'turn', message_id: 'msg'},
    })
  }
  const ns = Number(process.hrtime.bigint() - start)
  if (sink.count !== N) throw new Error('lost events')
  return N / (ns / 1e9)
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ours = []
const base = []
for (let r = 0; r < ROUNDS; r++) {
  base.push(baseline())
  ours.push(viaPublish())
}
const o = median(ours)
const b = median(base)
console.log(`core publish path: ${Math.round(o).toLocaleString('en')} events/s (median of ${ROUNDS} x ${N.toLocaleString('en')})`)
console.log(`plain call baseline: ${Math.round(b).toLocaleString('en')} events/s`)
console.log(`ratio (publish / baseline): ${(o / b).toFixed(3)}`)
