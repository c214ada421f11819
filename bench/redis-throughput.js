// Redis mode throughput: frames per second through jiminy's Redis path (BusSink → RedisBus XADD with
// the seq script → per-subscription XREAD BLOCK reader → StreamCoordinator + SEM translator), against
// a raw ioredis loop (XADD awaited one by one, one XREAD BLOCK reader) on the same redis-server, in
// the same run. Both publish sequentially (ordered, acknowledged), so the ratio is jiminy's overhead.
// Starts its own redis-server on a free loopback port (Debian: apt-get install -y redis-server).
// Run: npm run build && node bench/redis-throughput.js [events=20000]
import {spawn, spawnSync} from 'node:child_process'
import {createServer} from 'node:net'
import {Redis} from 'ioredis'
import {benchRow} from './bench-row.js'
import {chatTopic} from '../dist/bus/index.js'
import {RedisBus} from '../dist/bus/redis/index.js'
import {StreamCoordinator} from '../dist/sem/index.js'
import {BusSink, framesOfPayload} from '../dist/webchat/index.js'

const total = Number(process.argv[2] ?? 20_000)
const WORD = 'lorem '

const redis = await startRedis()
try {
  const rawRun = await raw(redis.url, total)
  const jiminyRun = await redisMode(redis.url, total)
  console.log(`redis throughput: ${total} events (1 frame each) through a local redis-server`)
  console.log(`raw ioredis XADD/XREAD loop   ${fmt(rawRun)} frames/s`)
  console.log(`jiminy Redis mode             ${fmt(jiminyRun)} frames/s`)
  console.log(`ratio raw / jiminy: ${(rawRun / jiminyRun).toFixed(2)}x (jiminy reaches ${((100 * jiminyRun) / rawRun).toFixed(0)}% of raw)`)
  benchRow('Redis mode, frames/s', jiminyRun / rawRun, {target: '>= 0.80', detail: `${total} events`})
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

async function raw(url, n) {
  const writer = new Redis(url)
  const reader = new Redis(url)
  const key = 'raw:bench'
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

async function redisMode(url, n) {
  const bus = await RedisBus.connect(url, {framesOf: framesOfPayload, maxlen: 100_000})
  const convId = 'bench'
  await bus.client.del(chatTopic(convId))
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

async function startRedis() {
  const probe = spawnSync('redis-server', ['--version'])
  if (probe.error || probe.status !== 0) throw new Error('redis-server is not installed (Debian: apt-get install -y redis-server)')
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c) => {
      out += c
      if (out.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)))
  })
  child.stdout.resume()
  return {url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL')}
}

function fmt(rate) {
  return Math.round(rate).toLocaleString('en-US').padStart(10)
}
