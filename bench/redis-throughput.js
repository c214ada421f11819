// Redis mode throughput: frames per second through jiminy's Redis path (BusSink → RedisBus XADD with
// the seq script → per-subscription XREAD BLOCK reader → StreamCoordinator + SEM translator), against
// a raw ioredis loop (XADD awaited one by one, one XREAD BLOCK reader) on the same redis-server, in
// the same run. Both publish in order and wait until the reader has every frame; jiminy batches what
// a run publishes while a batch is on its way (TopicWriter), the raw loop awaits each XADD.
// Rounds alternate raw / jiminy (the machine's load drifts); the row is the median round's ratio.
// Starts its own redis-server on a free loopback port (Debian: apt-get install -y redis-server).
// Run: npm run build && node bench/redis-throughput.js [events=20000] [rounds=3]
import {Redis} from 'ioredis'
import {benchRow} from './bench-row.js'
import {startRedis} from './redis-process.js'
import {chatTopic} from '../dist/bus/index.js'
import {RedisBus, streamKeyOf} from '../dist/bus/redis/index.js'
import {StreamCoordinator} from '../dist/sem/index.js'
import {BusSink} from '../dist/conversation/index.js'
import {framesOfPayload} from '../dist/webchat/index.js'

const total = Number(process.argv[2] ?? 20_000)
const rounds = Number(process.argv[3] ?? 3)
const WORD = 'lorem '

const redis = await startRedis()
try {
  const runs = []
  for (let round = 0; round < rounds; round++) {
    const rawRun = await raw(redis.url, total, `raw:bench:${round}`)
    const jiminyRun = await redisMode(redis.url, total, `bench-${round}`)
    runs.push({rawRun, jiminyRun, ratio: jiminyRun / rawRun})
  }
  const median = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)]
  console.log(`redis throughput: ${total} events (1 frame each) through a local redis-server, ${rounds} rounds`)
  for (const r of runs) console.log(`  raw ${fmt(r.rawRun)}  jiminy ${fmt(r.jiminyRun)} frames/s  ratio ${r.ratio.toFixed(2)}`)
  console.log(`raw ioredis XADD/XREAD loop   ${fmt(median.rawRun)} frames/s (median round)`)
  console.log(`jiminy Redis mode             ${fmt(median.jiminyRun)} frames/s`)
  console.log(`jiminy reaches ${((100 * median.jiminyRun) / median.rawRun).toFixed(0)}% of raw`)
  benchRow('Redis mode, frames/s', median.ratio, {target: '>= 0.80', detail: `${total} events, median of ${rounds} rounds`})
} finally {
  redis.stop()
}

/** The event JSON an LLM stream produces: one partial per token. */
function partial(i) {
  return {
    type: 'partial',
    delta: WORD,
    completion: WORD.repeat((i % 200) + 1),
    meta: {id: `evt_${i}`, session_id: 'bench', inference_id: 'inf_bench', turn_id: 'turn_bench', message_id: 'msg_bench'},
  }
}

async function raw(url, n, key) {
  const writer = new Redis(url)
  const reader = new Redis(url)
  await writer.del(key)
  const payloads = Array.from({length: n}, (_, i) => JSON.stringify(partial(i)))
  const start = performance.now()
  const read = (async () => {
    let last = '0-0'
    let count = 0
    while (count < n) {
      const reply = await reader.xread('COUNT', 500, 'BLOCK', 1000, 'STREAMS', key, last)
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          JSON.parse(fields[1])
          last = id
          count++
        }
      }
    }
  })()
  for (const p of payloads) await writer.xadd(key, 'MAXLEN', '~', 100_000, '*', 'payload', p)
  await read
  const elapsed = performance.now() - start
  writer.disconnect()
  reader.disconnect()
  return (n * 1000) / elapsed
}

async function redisMode(url, n, convId) {
  const bus = await RedisBus.connect(url, {framesOf: framesOfPayload, maxlen: 100_000})
  await bus.client.del(streamKeyOf(chatTopic(convId)))
  let frames = 0
  let done
  const finished = new Promise((resolve) => (done = resolve))
  const coordinator = new StreamCoordinator({
    convId,
    onFrame: (frame) => {
      frames++
      if (frame.seq !== frames) throw new Error(`frame ${frames} has seq ${frame.seq}`)
      if (frames === n) done()
    },
  })
  await coordinator.start(bus.fromStart())
  const sink = new BusSink(bus, convId)
  const events = Array.from({length: n}, (_, i) => partial(i))
  const start = performance.now()
  for (const event of events) sink.publish(event)
  await sink.flush()
  await finished
  const elapsed = performance.now() - start
  await coordinator.stop()
  await bus.close()
  return (n * 1000) / elapsed
}

function fmt(rate) {
  return Math.round(rate).toLocaleString('en-US').padStart(10)
}
