// Store throughput (issue 12): the ws-throughput scenario (engine events → BusSink → bus →
// StreamCoordinator → frames → FrameLog → ws, one client in a worker thread) on a server whose
// conversation store is SQLite (group commit, WAL) against the same server on the memory store.
// Rounds alternate memory / SQLite so load from other jobs hits both alike; the medians are
// compared. The SQLite side is flushed after each round and its committed frames are checked.
// Run: npm run build && node bench/store-throughput.js [events=50000] [rounds=5]
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {isMainThread, parentPort, workerData} from 'node:worker_threads'
import {fileURLToPath} from 'node:url'
import {setImmediate as tick} from 'node:timers/promises'
import WebSocket from 'ws'
import {benchRow} from './bench-row.js'
import {makeDeltas, timeWorkerClients} from './worker-clients.js'

const BATCH = 100

if (isMainThread) await main()
else await client(workerData)

async function main() {
  const {publish, withRunContext} = await import('../dist/core/index.js')
  const {startServer} = await import('../dist/webchat/index.js')
  const {parseConfigText} = await import('../dist/engine/index.js')
  const events = Number(process.argv[2] ?? 50_000)
  const rounds = Number(process.argv[3] ?? 5)
  const dir = await mkdtemp(join(tmpdir(), 'jiminy-store-bench-'))
  const deltas = makeDeltas(events)
  const results = {memory: [], sqlite: []}
  try {
    for (let round = 0; round < rounds; round++) {
      for (const kind of round % 2 === 0 ? ['memory', 'sqlite'] : ['sqlite', 'memory']) {
        const server = await startServer({
          port: 0,
          logLevel: 'silent',
          config: parseConfigText('{}', 'bench'),
          limits: {frameLogCapacity: 10_000},
          store: kind === 'memory' ? 'memory' : join(dir, `round-${round}.db`),
        })
        try {
          const convId = `bench-${round}`
          const {conversation} = await server.manager.getOrCreate(convId, 'default')
          const fps = await measure(`${server.url.replace('http', 'ws')}ws?conv_id=${convId}`, events, async () => {
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
          await server.store.flush()
          const stats = server.store.stats()
          if (kind === 'sqlite' && stats.frames_written < events)
            throw new Error(`only ${stats.frames_written} of ${events} frames were committed`)
          results[kind].push({fps, batches: stats.batches})
        } finally {
          await server.close()
        }
      }
    }
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const memory = median(results.memory.map((r) => r.fps))
  const sqlite = median(results.sqlite.map((r) => r.fps))
  const fmt = (x) => Math.round(x).toLocaleString('en-US').padStart(9)
  console.log(`store throughput, 1 client, ${events} events, ${rounds} rounds (frames/s, median; node ${process.version})`)
  console.log(`  memory store: ${fmt(memory)} f/s   rounds: ${results.memory.map((r) => fmt(r.fps).trim()).join(', ')}`)
  console.log(
    `  SQLite store: ${fmt(sqlite)} f/s   rounds: ${results.sqlite.map((r) => fmt(r.fps).trim()).join(', ')}   (${results.sqlite[0].batches} commits for ${events} frames)`,
  )
  console.log(`  ratio SQLite / memory: ${(sqlite / memory).toFixed(2)} (target >= 0.90)`)
  benchRow('ws throughput with the SQLite store / memory store', sqlite / memory, {target: '>= 0.90', detail: `${events} events, 1 client`})
}

/** Connects one client in a worker, runs produce(), returns frames/s delivered. */
async function measure(url, events, produce) {
  const {seconds} = await timeWorkerClients(fileURLToPath(import.meta.url), {url, events}, produce)
  return events / seconds
}

async function client({url, events}) {
  const ws = new WebSocket(url)
  let count = 0
  ws.on('message', (data) => {
    // SEM frames start with {"sem" (index 2 is 's').
    if (data[2] === 0x73 && ++count === events) parentPort.postMessage({type: 'done'})
  })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  await new Promise((r) => setTimeout(r, 200))
  parentPort.postMessage({type: 'ready'})
}
