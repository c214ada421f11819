// Side by side with Vercel's `resumable-stream` on the same redis-server: a user's AI SDK route made resumable the
// documented way (`createUIMessageStream` → `pipeUIMessageStreamToResponse` with `consumeSseStream` handing a copy to
// `createNewResumableStream`; `GET /api/chat/{id}/stream` → `resumeExistingStream`), against jiminy in Redis mode
// (`POST /api/chat`, `GET /api/chat/{id}/stream`), mock engine.
// Rows (median round, route / jiminy alternating each round):
//  - producer throughput: text-delta chunks/s read by the client that asked (jiminy / route, higher is better);
//  - resume in the middle: a paced answer (1 ms a chunk); when the first client has read half of it, a second client
//    resumes; time from its request to its first chunk (jiminy / route, lower is better). Both resume as a replay
//    from the start (what the SDK's `resumeStreamIsReplay` expects).
// Run: npm run build && node bench/peer-resumable.js [words=5000] [rounds=3] [pacedWords=400]
import {createServer} from 'node:http'
import {Redis} from 'ioredis'
import {createUIMessageStream, pipeUIMessageStreamToResponse, UI_MESSAGE_STREAM_HEADERS} from 'ai'
import {createResumableStreamContext} from 'resumable-stream/ioredis'
import {benchRow} from './bench-row.js'
import {readTextDeltas} from './sse-text-deltas.js'
import {startRedis} from './redis-process.js'
import {startServer} from '../dist/index.js'
import {parseConfigText} from '../dist/engine/index.js'

const words = Number(process.argv[2] ?? 5_000)
const rounds = Number(process.argv[3] ?? 3)
const pacedWords = Number(process.argv[4] ?? 400)
const CONFIG = `profiles:
  default:
    provider: {type: mock, delay_ms: 0}
  paced:
    provider: {type: mock, delay_ms: 1}
`
const redis = await startRedis()
const jiminy = await startServer({
  port: 0,
  logLevel: 'silent',
  config: parseConfigText(CONFIG, 'bench.yaml'),
  busFlags: {type: 'redis', redisUrl: redis.url},
})
const route = await startRoute(redis.url)
let n = 0
const promptOf = (count) => Array.from({length: count}, (_, i) => `w${i}`).join(' ')
try {
  // The texts jiminy streams for both prompts, so the route writes the same chunks.
  const fast = await readTextDeltas(jiminyChat(promptOf(words), 'default'), {keep: true})
  const paced = await readTextDeltas(jiminyChat(promptOf(pacedWords), 'paced'), {keep: true})
  route.setAnswers(fast.deltas, paced.deltas)

  const runs = []
  for (let round = 0; round < rounds; round++) {
    const peerFlow = await readTextDeltas(route.chat(`fast-${round}`, 'fast'))
    const oursFlow = await readTextDeltas(jiminyChat(promptOf(words), 'default'))
    const peerResume = await resumeMidway(route.chat(`paced-${round}`, 'paced'), (id) => route.resumeUrl(id))
    const oursResume = await resumeMidway(
      jiminyChat(promptOf(pacedWords), 'paced'),
      (id) => new URL(`api/chat/${id}/stream`, jiminy.url).href,
    )
    runs.push({
      flow: oursFlow.chunksPerSec / peerFlow.chunksPerSec,
      resume: oursResume / peerResume,
      text:
        `route ${fmt(peerFlow.chunksPerSec)} vs jiminy ${fmt(oursFlow.chunksPerSec)} chunks/s; ` +
        `first resumed chunk route ${peerResume.toFixed(1)} ms vs jiminy ${oursResume.toFixed(1)} ms`,
    })
  }
  console.log(
    `resumable-stream peer: ${fast.count} chunks per answer, resume in the middle of ${paced.count} paced chunks, ${rounds} rounds`,
  )
  for (const r of runs) console.log(`  ${r.text}  ratios ${r.flow.toFixed(2)} / ${r.resume.toFixed(2)}`)
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  benchRow('Redis mode vs resumable-stream, producer chunks/s', median(runs.map((r) => r.flow)), {
    target: '>= 0.80',
    detail: `${fast.count} chunks, median of ${rounds}`,
  })
  benchRow('Redis mode vs resumable-stream, time to first resumed chunk', median(runs.map((r) => r.resume)), {
    kind: 'times',
    target: '<= 1.25',
    detail: 'jiminy / route, lower is better',
  })
} finally {
  await route.close()
  await jiminy.close()
  redis.stop()
}

function jiminyChat(prompt, profile) {
  const id = `peer-${process.pid}-${++n}`
  return {
    id,
    url: new URL(`api/chat?profile=${profile}`, jiminy.url).href,
    body: JSON.stringify({
      id,
      trigger: 'submit-message',
      profile,
      messages: [{id: `u${n}`, role: 'user', parts: [{type: 'text', text: prompt}]}],
    }),
  }
}

/** A user's resumable AI SDK route on node http, as the resumable-stream README and the AI SDK docs show it. */
async function startRoute(redisUrl) {
  const publisher = new Redis(redisUrl)
  const subscriber = new Redis(redisUrl)
  const context = createResumableStreamContext({waitUntil: null, publisher, subscriber, keyPrefix: `bench-${process.pid}`})
  const answers = {fast: [], paced: []}
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    const resume = url.pathname.match(/^\/api\/chat\/([^/]+)\/stream$/)
    if (resume) {
      const stream = await context.resumeExistingStream(resume[1])
      if (!stream) return res.writeHead(204).end()
      res.writeHead(200, UI_MESSAGE_STREAM_HEADERS)
      for await (const text of stream) res.write(text)
      return res.end()
    }
    const id = url.searchParams.get('id')
    const deltas = answers[url.searchParams.get('kind')]
    req.resume()
    const stream = createUIMessageStream({
      execute: async ({writer}) => {
        writer.write({type: 'start-step'})
        writer.write({type: 'text-start', id: 't1'})
        const paced = deltas === answers.paced
        for (const delta of deltas) {
          if (paced) await new Promise((resolve) => setTimeout(resolve, 1))
          writer.write({type: 'text-delta', id: 't1', delta})
        }
        writer.write({type: 'text-end', id: 't1'})
        writer.write({type: 'finish-step'})
      },
    })
    pipeUIMessageStreamToResponse({
      response: res,
      stream,
      consumeSseStream: ({stream: copy}) => void context.createNewResumableStream(id, () => copy),
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  return {
    setAnswers(fast, paced) {
      answers.fast = fast
      answers.paced = paced
    },
    chat: (id, kind) => ({id, url: `${base}/api/chat?id=${id}&kind=${kind}`, body: '{}'}),
    resumeUrl: (id) => `${base}/api/chat/${id}/stream`,
    async close() {
      await new Promise((resolve) => server.close(resolve))
      publisher.disconnect()
      subscriber.disconnect()
    },
  }
}

/** Starts an answer, and when half of it has been read, resumes it from a second client: ms to its first chunk. */
async function resumeMidway(request, resumeUrlOf) {
  let resumed
  const total = await readTextDeltas(request, {
    onChunk: (count) => {
      if (resumed === undefined && count >= pacedWords / 2) resumed = firstChunkMs(resumeUrlOf(request.id))
    },
  })
  if (resumed === undefined) throw new Error(`${request.url}: never reached the middle (${total.count} chunks)`)
  return resumed
}

async function firstChunkMs(url) {
  const start = performance.now()
  const res = await fetch(url)
  if (res.status !== 200) throw new Error(`resume ${url}: HTTP ${res.status}`)
  const reader = res.body.getReader()
  let text = ''
  const decoder = new TextDecoder()
  for (;;) {
    const {value, done} = await reader.read()
    if (done) throw new Error(`resume ${url}: ended before a text-delta`)
    text += decoder.decode(value, {stream: true})
    if (text.includes('"type":"text-delta"')) break
  }
  const ms = performance.now() - start
  await reader.cancel()
  return ms
}

function fmt(rate) {
  return Math.round(rate).toLocaleString('en-US')
}
