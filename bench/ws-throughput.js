// WebSocket throughput: frames per second from engine events to 1 and to 100 WebSocket clients,
// through the whole server path (core publish() → BusSink → in-memory bus → StreamCoordinator →
// SEM translator + frame builder → FrameLog → ConnectionPool → ws), against a raw `ws` server that
// sends the same pre-built frame strings to the same number of clients, in the same run. Clients
// run in a worker thread (the other core) and count frames; the clock stops when every client has
// every frame. Both sides yield to I/O every BATCH events, as a streaming provider would.
// Run: npm run build && node bench/ws-throughput.js [events-for-1-client=100000] [events-for-100-clients=5000]
import {isMainThread, parentPort, workerData} from 'node:worker_threads'
import {fileURLToPath} from 'node:url'
import {setImmediate as tick} from 'node:timers/promises'
import WebSocket, {WebSocketServer} from 'ws'
import {benchRow} from './bench-row.js'
import {makeDeltas, timeWorkerClients} from './worker-clients.js'

const BATCH = 100

if (isMainThread) await main()
else await clients(workerData)

async function main() {
  const {publish, withRunContext} = await import('../dist/core/index.js')
  const {startServer} = await import('../dist/webchat/index.js')
  const {buildFrame, translateEvent} = await import('../dist/sem/index.js')
  const {parseConfigText} = await import('../dist/engine/index.js')
  const scenarios = [
    {clients: 1, events: Number(process.argv[2] ?? 100_000)},
    {clients: 100, events: Number(process.argv[3] ?? 5_000)},
  ]
  const server = await startServer({
    port: 0,
    logLevel: 'silent',
    config: parseConfigText('{}', 'bench'),
    limits: {frameLogCapacity: 10_000},
  })
  const rows = []
  try {
    for (const {clients: n, events} of scenarios) {
      const deltas = makeDeltas(events)
      // Pipeline: engine events through the real publishing path into a live conversation.
      const convId = `bench-${n}`
      const {conversation} = await server.manager.getOrCreate(convId, 'default')
      const pipeline = await measure(`${server.url.replace('http', 'ws')}ws?conv_id=${convId}`, n, events, async () => {
        const ctx = {
          sessionId: convId,
          inferenceId: 'inf_bench',
          turnId: 'turn_bench',
          signal: new AbortController().signal,
          sinks: [conversation.sink],
        }
        for (let i = 0; i < events; i += BATCH) {
          withRunContext(ctx, () => {
            for (let j = i; j < Math.min(events, i + BATCH); j++)
              publish({type: 'partial', delta: deltas[j].delta, completion: deltas[j].completion}, {message_id: 'msg_bench'})
          })
          await tick()
        }
      })
      // Baseline: the same frames, pre-built once, sent by a bare ws server.
      const frames = deltas.map((d, i) => {
        const meta = {id: `evt_${i}`, session_id: convId, inference_id: 'inf_bench', turn_id: 'turn_bench', message_id: 'msg_bench'}
        return buildFrame(translateEvent({type: 'partial', delta: d.delta, completion: d.completion, meta})[0], {seq: i + 1}).json
      })
      const raw = new WebSocketServer({port: 0, host: '127.0.0.1'})
      await new Promise((r) => raw.once('listening', r))
      const baseline = await measure(`ws://127.0.0.1:${raw.address().port}/`, n, events, async () => {
        for (let i = 0; i < events; i += BATCH) {
          for (let j = i; j < Math.min(events, i + BATCH); j++) for (const ws of raw.clients) ws.send(frames[j])
          await tick()
        }
      })
      for (const ws of raw.clients) ws.terminate()
      await new Promise((r) => raw.close(r))
      rows.push({clients: n, events, pipeline, baseline})
    }
  } finally {
    await server.close()
  }
  console.log(`ws throughput (frames delivered per second, summed over clients; node ${process.version})`)
  for (const r of rows) {
    const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(11)
    console.log(
      `${String(r.clients).padStart(3)} client(s), ${r.events} events: jiminy ${fmt(r.pipeline)} f/s   raw ws ${fmt(r.baseline)} f/s   ratio ${(r.pipeline / r.baseline).toFixed(2)}`,
    )
    benchRow(r.clients === 1 ? '1 client, frames/s' : `${r.clients} clients of one conversation, frames/s`, r.pipeline / r.baseline, {
      target: r.clients === 1 ? '>= 0.80' : '>= 0.90',
      detail: `${r.events} events`,
    })
  }
}

/** Connects n clients in a worker, runs produce(), returns frames/s delivered across all clients. */
async function measure(url, n, events, produce) {
  const {seconds} = await timeWorkerClients(fileURLToPath(import.meta.url), {url, n, events}, produce)
  return (events * n) / seconds
}

async function clients({url, n, events}) {
  let finished = 0
  const sockets = []
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url)
    let count = 0
    ws.on('message', (data) => {
      // Count llm.delta frames only: ws.hello is a SEM envelope too, and the raw server sends none.
      if (data[2] === 0x73 && data.includes('llm.delta') && ++count === events && ++finished === n) parentPort.postMessage({type: 'done'})
    })
    sockets.push(
      new Promise((resolve, reject) => {
        ws.once('open', resolve)
        ws.once('error', reject)
      }),
    )
  }
  await Promise.all(sockets)
  // Let the server finish the joins (hello, pool) before the clock starts.
  await new Promise((r) => setTimeout(r, 200))
  parentPort.postMessage({type: 'ready'})
}
