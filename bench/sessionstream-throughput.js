// sessionstream throughput (issue 25 item 3): text-delta frames per second delivered to one
// sessionstream client (GET /api/chat/ws, ChatTextPatch uiEvents) against one SEM client (/ws,
// llm.delta frames), for the same run: the same N partial events through the same publishing path
// (core publish() → BusSink → in-memory bus → StreamCoordinator), alternating transports, 3 rounds,
// median ratio. The sessionstream side pays for the projection (ordinal, Chat* payload, timeline
// entity) on top of the coordinator's SEM work. Clients run in a worker thread.
// Run: npm run build && node bench/sessionstream-throughput.js [events=20000] [rounds=3]
import {isMainThread, parentPort, workerData} from 'node:worker_threads'
import {fileURLToPath} from 'node:url'
import WebSocket from 'ws'
import {benchRow} from './bench-row.js'
import {makeDeltas, publishDeltas, timeWorkerClients} from './worker-clients.js'

if (isMainThread) await main()
else await client(workerData)

async function main() {
  const core = await import('../dist/core/index.js')
  const {startServer} = await import('../dist/webchat/index.js')
  const {parseConfigText} = await import('../dist/engine/index.js')
  const events = Number(process.argv[2] ?? 20_000)
  const rounds = Number(process.argv[3] ?? 3)
  const deltas = makeDeltas(events)
  const server = await startServer({
    port: 0,
    logLevel: 'silent',
    config: parseConfigText('{}', 'bench'),
    limits: {frameLogCapacity: 10_000},
  })
  const ws = server.url.replace('http', 'ws')
  let n = 0
  const run = async (transport) => {
    const convId = `bench-ss-${++n}`
    const {conversation} = await server.manager.getOrCreate(convId, 'default')
    const url = transport === 'sem' ? `${ws}ws?conv_id=${convId}` : `${ws}api/chat/ws`
    const {seconds} = await timeWorkerClients(fileURLToPath(import.meta.url), {url, transport, convId, events}, async () => {
      const ctx = {
        sessionId: convId,
        inferenceId: `inf_${convId}`,
        turnId: 'turn_bench',
        signal: new AbortController().signal,
        sinks: [conversation.sink],
      }
      await publishDeltas(core, ctx, deltas)
    })
    return events / seconds
  }
  const ratios = []
  try {
    for (let r = 1; r <= rounds; r++) {
      const sem = await run('sem')
      const ss = await run('sessionstream')
      ratios.push(ss / sem)
      const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(9)
      console.log(`round ${r}: ${events} deltas  sessionstream ${fmt(ss)} f/s   SEM ${fmt(sem)} f/s   ratio ${(ss / sem).toFixed(2)}`)
    }
  } finally {
    await server.close()
  }
  const median = ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)]
  benchRow('sessionstream frames/s vs SEM, same run', Number(median.toFixed(3)), {
    target: '>= 0.90',
    detail: `${events} deltas, median of ${rounds}`,
  })
}

/** One client of `transport`; counts text-delta frames and reports 'done' when it has all of them. */
async function client({url, transport, convId, events}) {
  const ws = new WebSocket(url)
  const marker = transport === 'sem' ? 'llm.delta' : 'ChatTextPatch'
  let count = 0
  let subscribed = transport === 'sem'
  let ready
  const isReady = new Promise((r) => (ready = r))
  ws.on('message', (data) => {
    if (!subscribed) {
      if (data.includes('"subscribed"')) {
        subscribed = true
        ready()
      }
      return
    }
    if (data.includes(marker) && ++count === events) parentPort.postMessage({type: 'done'})
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  if (transport === 'sem') ready()
  else ws.send(JSON.stringify({subscribe: {sessionId: convId}}))
  await isReady
  await new Promise((r) => setTimeout(r, 200))
  parentPort.postMessage({type: 'ready'})
}
