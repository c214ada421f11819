// Soak (bounded, ≤ 60 s): a hostile and careless mix against one in-process server — join floods
// past the conversation cap, runs, cancels mid-stream, clients that drop and resume by after_seq,
// and long answers on a delay-0 mock — then prints peak RSS against the idle baseline and the count
// of frames lost or duplicated across every resume (must be 0).
// Run: npm run build && node bench/soak.js [seconds=30]
import WebSocket from 'ws'

const seconds = Math.min(60, Number(process.argv[2] ?? 30))
const {startServer} = await import('../dist/webchat/index.js')
const {parseConfigText} = await import('../dist/engine/index.js')

const server = await startServer({
  port: 0,
  logLevel: 'silent',
  config: parseConfigText(
    'profiles:\n  default: {provider: {type: mock, delay_ms: 0}}\n  slow: {provider: {type: mock, delay_ms: 2}}\n',
    'soak.yaml',
  ),
  limits: {maxConversations: 200},
})
const base = server.url
const wsUrl = base.replace('http', 'ws')
global.gc?.()
const idleRss = process.memoryUsage().rss
let peakRss = idleRss
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)

const counts = {joins: 0, refused: 0, runs: 0, cancels: 0, resumes: 0, lost: 0, duplicated: 0, longAnswers: 0}
const until = Date.now() + seconds * 1000

function post(path, body) {
  return fetch(new URL(path, base), {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
    .then((r) => r.json().then((b) => ({status: r.status, body: b})))
    .catch(() => ({status: 0, body: {}}))
}

/** A client that drops its socket at random and resumes from its last seq; every seq must arrive once. */
function follower(convId) {
  let last = 0
  const seen = new Set()
  let ws
  let stopped = false
  const open = () => {
    if (stopped) return
    ws = new WebSocket(`${wsUrl}ws?conv_id=${convId}&after_seq=${last}`)
    counts.resumes++
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString())
      const seq = frame.event?.seq
      if (typeof seq !== 'number') return
      if (seen.has(seq)) counts.duplicated++
      else if (seq !== last + 1 && last !== 0) counts.lost += seq - last - 1
      seen.add(seq)
      last = Math.max(last, seq)
    })
    ws.on('close', () => setTimeout(open, 5))
    ws.on('error', () => undefined)
  }
  open()
  const dropper = setInterval(() => ws?.terminate(), 150 + Math.random() * 300)
  return () => {
    stopped = true
    clearInterval(dropper)
    ws?.removeAllListeners('close')
    ws?.terminate()
  }
}

const stops = []
let n = 0
while (Date.now() < until) {
  const id = `soak-${++n}`
  // Join flood: sockets that open a new conversation and leave at once.
  for (let i = 0; i < 20; i++) {
    const ws = new WebSocket(`${wsUrl}ws?conv_id=flood-${n}-${i}`)
    counts.joins++
    ws.on('message', (d) => {
      if (String(d).includes('too_many_conversations')) counts.refused++
      ws.terminate()
    })
    ws.on('error', () => undefined)
  }
  if (stops.length < 20) stops.push(follower(id))
  const long = n % 5 === 0
  const run = await post('/chat', {conv_id: id, prompt: long ? `${'tell me everything about the sea '.repeat(300)}` : 'what is 2+3? /tool'})
  if (run.status === 200) counts.runs++
  if (long) counts.longAnswers++
  if (n % 3 === 0) {
    const slow = await post('/chat/slow', {conv_id: `${id}-slow`, prompt: 'go on /slow'})
    if (slow.status === 200) {
      await new Promise((r) => setTimeout(r, 30))
      await post(`/api/conversations/${id}-slow/cancel`, {})
      counts.cancels++
    }
  }
  await new Promise((r) => setTimeout(r, 20))
}
await new Promise((r) => setTimeout(r, 1000))
for (const stop of stops) stop()
clearInterval(sampler)
await server.close()

const mb = (b) => `${(b / 1024 / 1024).toFixed(0)} MB`
console.log(`soak ${seconds}s: ${JSON.stringify(counts)}`)
console.log(
  `peak RSS ${mb(peakRss)} vs idle ${mb(idleRss)} (×${(peakRss / idleRss).toFixed(2)}); frames lost ${counts.lost}, duplicated ${counts.duplicated}`,
)
process.exitCode = counts.lost === 0 && counts.duplicated === 0 ? 0 : 1
