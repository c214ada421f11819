// WebSocket fan-out at scale: 1,000 clients of one conversation, and 1,000 conversations with one
// client each, all streaming at once, through the whole server path (publish() → BusSink →
// in-memory bus → StreamCoordinator → translator + frame builder → FrameLog → ConnectionPool → ws),
// against a raw `ws` server sending the same pre-built frames to 1,000 clients, in the same run.
// Clients run in a worker thread and count frames; the clock stops when every client has every
// frame. A client the server drops (close 1013, buffer full) is counted and reported: the target
// is none dropped among clients that read.
// Run: npm run build && node bench/ws-scale.js [events-per-client=200] [clients=1000]
import {isMainThread, parentPort, workerData} from 'node:worker_threads'
import {fileURLToPath} from 'node:url'
import {setImmediate as tick} from 'node:timers/promises'
import WebSocket, {WebSocketServer} from 'ws'
import {benchRow} from './bench-row.js'
import {makeDeltas, timeWorkerClients} from './worker-clients.js'

const BATCH = 10

if (isMainThread) await main()
else await clients(workerData)

async function main() {
  const {publish, withRunContext} = await import('../dist/core/index.js')
  const {startServer} = await import('../dist/webchat/index.js')
  const {buildFrame, translateEvent} = await import('../dist/sem/index.js')
  const {parseConfigText} = await import('../dist/engine/index.js')
  const events = Number(process.argv[2] ?? 200)
  const n = Number(process.argv[3] ?? 1000)
  const deltas = makeDeltas(events)
  const server = await startServer({port: 0, logLevel: 'silent', config: parseConfigText('{}', 'bench'), store: 'memory'})
  const wsBase = `${server.url.replace('http', 'ws')}ws`
  const rows = []
  try {
    for (const shape of ['one-conversation', 'many-conversations']) {
      const convIds = shape === 'one-conversation' ? ['scale-one'] : Array.from({length: n}, (_, i) => `scale-${i}`)
      const sinks = []
      for (const convId of convIds) sinks.push((await server.manager.getOrCreate(convId, 'default')).conversation.sink)
      const urls = Array.from({length: n}, (_, i) => `${wsBase}?conv_id=${convIds[i % convIds.length]}`)
      const ctxs = convIds.map((convId, c) => ({
        sessionId: convId,
        inferenceId: 'inf_bench',
        turnId: 'turn_bench',
        signal: new AbortController().signal,
        sinks: [sinks[c]],
      }))
      const pipeline = await measure(urls, events, async () => {
        for (let i = 0; i < events; i += BATCH) {
          for (const ctx of ctxs)
            withRunContext(ctx, () => {
              for (let j = i; j < Math.min(events, i + BATCH); j++)
                publish({type: 'partial', delta: deltas[j].delta, completion: deltas[j].completion}, {message_id: 'msg_bench'})
            })
          await tick()
        }
      })
      const frames = deltas.map((d, i) => {
        const meta = {id: `evt_${i}`, session_id: 'scale', inference_id: 'inf_bench', turn_id: 'turn_bench', message_id: 'msg_bench'}
        return buildFrame(translateEvent({type: 'partial', delta: d.delta, completion: d.completion, meta})[0], {seq: i + 1}).json
      })
      const raw = new WebSocketServer({port: 0, host: '127.0.0.1'})
      await new Promise((r) => raw.once('listening', r))
      const rawUrl = `ws://127.0.0.1:${raw.address().port}/`
      const baseline = await measure(
        urls.map(() => rawUrl),
        events,
        async () => {
          for (let i = 0; i < events; i += BATCH) {
            for (let j = i; j < Math.min(events, i + BATCH); j++) for (const ws of raw.clients) ws.send(frames[j])
            await tick()
          }
        },
      )
      for (const ws of raw.clients) ws.terminate()
      await new Promise((r) => raw.close(r))
      rows.push({shape, conversations: convIds.length, pipeline, baseline})
    }
  } finally {
    await server.close()
  }
  console.log(`ws fan-out at scale: ${n} clients, ${events} frames each (frames delivered per second, summed; node ${process.version})`)
  for (const r of rows) {
    const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(11)
    const ratio = r.pipeline.rate / r.baseline.rate
    console.log(
      `${r.conversations} conversation(s): jiminy ${fmt(r.pipeline.rate)} f/s (${r.pipeline.dropped} dropped)   raw ws ${fmt(r.baseline.rate)} f/s   ratio ${ratio.toFixed(2)}`,
    )
    const row = r.shape === 'one-conversation' ? `${n} clients of one conversation, frames/s` : `${n} conversations × 1 client, frames/s`
    benchRow(row, ratio, {target: '>= 0.70', detail: `${r.pipeline.dropped} dropped`})
    benchRow(`${row}: clients dropped`, r.pipeline.dropped, {kind: 'count', target: '<= 0'})
  }
}

/** Connects the clients in a worker, runs produce(), returns frames/s across all clients and drops. */
async function measure(urls, events, produce) {
  const {seconds, done} = await timeWorkerClients(fileURLToPath(import.meta.url), {urls, events}, produce)
  return {rate: ((urls.length - done.dropped) * events) / seconds, dropped: done.dropped}
}

async function clients({urls, events}) {
  let finished = 0
  let dropped = 0
  const check = () => {
    if (finished + dropped === urls.length) parentPort.postMessage({type: 'done', dropped})
  }
  const opened = []
  for (const url of urls) {
    const ws = new WebSocket(url)
    let count = 0
    ws.on('message', (data) => {
      // SEM frames start with {"sem" (index 2 is 's'); llm.delta frames hold "llm.delta".
      if (data[2] === 0x73 && data.includes('llm.delta') && ++count === events) {
        finished++
        check()
      }
    })
    ws.once('close', () => {
      if (count < events) {
        dropped++
        check()
      }
    })
    opened.push(
      new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      }),
    )
    // Do not open a thousand sockets in one burst (the accept backlog would drop some).
    if (opened.length % 100 === 0) await Promise.all(opened)
  }
  await Promise.all(opened)
  await new Promise((r) => setTimeout(r, 500))
  parentPort.postMessage({type: 'ready'})
}
