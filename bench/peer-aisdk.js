// Side by side with what a user would pick instead of jiminy for the AI SDK transport: a route built with the
// `ai` package's own `createUIMessageStream` + `pipeUIMessageStreamToResponse` writing N text deltas, against
// jiminy's `POST /api/chat` answering the same N deltas (mock engine, `delay_ms: 0`, echoing an N-word prompt).
// The same HTTP client (undici's fetch, reading the body as bytes and counting SSE `data:` lines) reads both,
// alternating route / jiminy each round; rows are the median round's ratios (chunks/s: jiminy / route, higher
// is better; time to first chunk: jiminy / route, lower is better).
// The AI SDK route emits exactly the text deltas jiminy emitted for the same prompt (read once before timing),
// so both answers carry the same bytes of text in the same number of chunks.
// Run: npm run build && node bench/peer-aisdk.js [words=5000] [rounds=3]
import {createServer} from 'node:http'
import {createUIMessageStream, pipeUIMessageStreamToResponse} from 'ai'
import {benchRow} from './bench-row.js'
import {readTextDeltas} from './sse-text-deltas.js'
import {startServer} from '../dist/index.js'
import {parseConfigText} from '../dist/engine/index.js'

const words = Number(process.argv[2] ?? 5_000)
const rounds = Number(process.argv[3] ?? 3)
const CONFIG = 'profiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n'

const jiminy = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(CONFIG, 'bench.yaml')})
let convN = 0
const prompt = Array.from({length: words}, (_, i) => `w${i}`).join(' ')
const jiminyRequest = () => ({
  url: new URL('api/chat', jiminy.url).href,
  body: JSON.stringify({
    id: `peer-${process.pid}-${++convN}`,
    trigger: 'submit-message',
    messages: [{id: `u${convN}`, role: 'user', parts: [{type: 'text', text: prompt}]}],
  }),
})

// The deltas jiminy sends for this prompt, so the route below writes the very same ones.
const probe = await readTextDeltas(jiminyRequest(), {keep: true})
const deltas = probe.deltas
const route = await startRoute(deltas)
try {
  const runs = []
  for (let round = 0; round < rounds; round++) {
    const peer = await readTextDeltas({url: route.url, body: JSON.stringify({id: `r${round}`, messages: []})})
    const ours = await readTextDeltas(jiminyRequest())
    runs.push({peer, ours, ratio: ours.chunksPerSec / peer.chunksPerSec, ttfc: ours.firstMs / peer.firstMs})
  }
  const byRatio = [...runs].sort((a, b) => a.ratio - b.ratio)
  const median = byRatio[Math.floor(runs.length / 2)]
  const ttfc = [...runs].map((r) => r.ttfc).sort((a, b) => a - b)[Math.floor(runs.length / 2)]
  console.log(`AI SDK peer: ${deltas.length} text deltas per answer (${words}-word prompt), ${rounds} rounds`)
  for (const r of runs)
    console.log(
      `  ai route ${fmt(r.peer.chunksPerSec)} chunks/s (first ${r.peer.firstMs.toFixed(1)} ms)  ` +
        `jiminy ${fmt(r.ours.chunksPerSec)} chunks/s (first ${r.ours.firstMs.toFixed(1)} ms)  ratio ${r.ratio.toFixed(2)}`,
    )
  benchRow('AI SDK transport vs ai route, chunks/s', median.ratio, {
    target: '>= 0.80',
    detail: `${deltas.length} deltas, median of ${rounds} rounds`,
  })
  benchRow('AI SDK transport vs ai route, time to first chunk', ttfc, {
    kind: 'times',
    target: '<= 1.25',
    detail: 'jiminy / route',
  })
} finally {
  await new Promise((resolve) => route.server.close(resolve))
  await jiminy.close()
}

/** A user's route: the `ai` package's own UI message stream writer, piped to a node response. */
async function startRoute(textDeltas) {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const stream = createUIMessageStream({
        execute: ({writer}) => {
          writer.write({type: 'start-step'})
          writer.write({type: 'text-start', id: 't1'})
          for (const delta of textDeltas) writer.write({type: 'text-delta', id: 't1', delta})
          writer.write({type: 'text-end', id: 't1'})
          writer.write({type: 'finish-step'})
        },
      })
      pipeUIMessageStreamToResponse({response: res, stream})
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {server, url: `http://127.0.0.1:${server.address().port}/api/chat`}
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US')
}
