// Replay throughput: events per second through `jiminy replay`'s full path (fixture line schema,
// the server's StreamCoordinator + SEM translator, every ordering rule), against a baseline that
// only reads the same lines and JSON.parses them, in the same run. Prints the ratio, and the peak
// RSS of each at two file sizes to show that memory stays flat as the file grows (both stream).
// Each measurement runs in its own child process so its peak RSS is its own.
// Run: npm run build && node bench/replay-throughput.js [events=1000000] [rss-events=1000000]
// The ratio is taken at `events`; the peak-RSS row compares replay at `rss-events` / 4 and at
// `rss-events` (so `250000` alone still shows memory at 1 M events).
import {spawnSync} from 'node:child_process'
import {createReadStream, createWriteStream} from 'node:fs'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {once} from 'node:events'
import {fileURLToPath} from 'node:url'
import {benchRow} from './bench-row.js'

const self = fileURLToPath(import.meta.url)

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4])
} else if (process.argv[2] === '--generate') {
  // node bench/replay-throughput.js --generate FILE [events]: just write the fixture (profiling).
  await generateFixture(process.argv[3], Number(process.argv[4] ?? 1_000_000))
} else {
  await main(Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 1_000_000))
}

async function main(total, rssTotal) {
  const dir = await mkdtemp(join(tmpdir(), 'jiminy-replay-bench-'))
  try {
    const sizes = [...new Set([Math.round(rssTotal / 4), total, rssTotal])].sort((a, b) => a - b)
    const rows = new Map()
    for (const n of sizes) {
      const file = join(dir, `fixture-${n}.jsonl`)
      await generateFixture(file, n)
      const bytes = (await stat(file)).size
      const base = measure('baseline', file)
      const replay = measure('replay', file)
      await rm(file, {force: true})
      if (replay.events !== n || base.events !== n)
        throw new Error(`expected ${n} events, baseline read ${base.events}, replay ${replay.events}`)
      if (!replay.ok) throw new Error(`the generated fixture failed replay: ${JSON.stringify(replay.violations)}`)
      rows.set(n, {n, bytes, base, replay})
    }
    console.log('replay throughput (events/s, checks included) vs read + JSON.parse of the same lines')
    console.log('events     file MB  baseline ev/s  replay ev/s  ratio   baseline peak RSS  replay peak RSS')
    for (const {n, bytes, base, replay} of rows.values()) {
      console.log(
        `${String(n).padEnd(10)} ${(bytes / 1e6).toFixed(0).padStart(7)}  ${fmt(base.rate).padStart(13)}  ${fmt(replay.rate).padStart(11)}  ${(replay.rate / base.rate).toFixed(2).padStart(5)}  ${mb(base.maxRss).padStart(17)}  ${mb(replay.maxRss).padStart(15)}`,
      )
    }
    const at = rows.get(total)
    const small = rows.get(Math.round(rssTotal / 4))
    const large = rows.get(rssTotal)
    console.log(`replay runs at ${(at.replay.rate / at.base.rate).toFixed(2)} of read + JSON.parse at ${at.n} events`)
    // CPU time (user + system, both processes alike) moves far less than wall time on a shared machine.
    const cpuRatio = at.replay.cpuRate / at.base.cpuRate
    console.log(`by CPU time: ${cpuRatio.toFixed(2)} (${fmt(at.replay.cpuRate)} vs ${fmt(at.base.cpuRate)} events per CPU second)`)
    console.log(
      `peak RSS of replay: ${mb(small.replay.maxRss)} at ${small.n} events, ${mb(large.replay.maxRss)} at ${large.n} (${(large.replay.maxRss / small.replay.maxRss).toFixed(2)}x for ${(large.n / small.n).toFixed(0)}x the events)`,
    )
    if (process.env.JIMINY_BENCH_ROWS !== '0') {
      benchRow('replay, events/s', at.replay.rate / at.base.rate, {
        target: '>= 0.60',
        detail: `${at.n} events, ${cpuRatio.toFixed(2)} by CPU time`,
      })
      benchRow('replay peak RSS, 4x the events', large.replay.maxRss / small.replay.maxRss, {
        kind: 'times',
        target: '<= 1.25',
        detail: `${mb(small.replay.maxRss)} at ${small.n} → ${mb(large.replay.maxRss)} at ${large.n}`,
      })
    }
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

function measure(mode, file) {
  const out = spawnSync(process.execPath, [self, '--child', mode, file], {encoding: 'utf8', maxBuffer: 1 << 20})
  if (out.status !== 0) throw new Error(`${mode} child failed: ${out.stderr}`)
  return JSON.parse(out.stdout)
}

async function child(mode, file) {
  // Loading jiminy's modules is not replay throughput (the start-up rows measure it): the clock
  // starts once they are loaded, as the baseline's starts once node is up.
  const {replayFixture} = mode === 'replay' ? await import('../dist/fixtures/index.js') : {}
  const started = process.hrtime.bigint()
  const cpuStarted = process.cpuUsage()
  let result
  if (mode === 'baseline') {
    let events = 0
    for await (const line of createInterface({
      input: createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 16}),
      crlfDelay: Infinity,
    })) {
      if (line === '') continue
      JSON.parse(line)
      events++
    }
    result = {events, ok: true}
  } else {
    const report = await replayFixture(file)
    result = {events: report.lines, frames: report.frames, ok: report.status === 'passed', violations: report.violations.slice(0, 3)}
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const cpu = process.cpuUsage(cpuStarted)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  process.stdout.write(
    JSON.stringify({
      ...result,
      rate: result.events / seconds,
      cpuRate: result.events / cpuSeconds,
      maxRss: process.resourceUsage().maxRSS * 1024,
    }),
  )
}

/**
 * A valid fixture of exactly `total` events, written as a stream: runs of one conversation, each an
 * assistant message of 40 word deltas, every third run calling two tools and answering again.
 */
async function generateFixture(file, total) {
  const out = createWriteStream(file, {encoding: 'utf8'})
  const topic = 'chat:bench'
  let written = 0
  let evt = 0
  const write = async (type, body, inference, messageId) => {
    if (written >= total) return false
    const meta = {
      id: `evt_${++evt}`,
      session_id: 'bench',
      inference_id: inference,
      turn_id: `turn_${inference}`,
      ...(messageId ? {message_id: messageId, model: 'mock-1'} : {}),
    }
    if (!out.write(JSON.stringify({topic, payload: {type, ...body, meta}}) + '\n')) await once(out, 'drain')
    written++
    return true
  }
  const message = async (inference, id, words, calls = []) => {
    if (!(await write('start', {}, inference, id))) return
    let text = ''
    for (let i = 0; i < words; i++) {
      const delta = `word${i % 97} `
      text += delta
      if (!(await write('partial', {delta, completion: text}, inference, id))) return
    }
    for (const call of calls) if (!(await write('tool-call', {tool_call: call}, inference, call.id))) return
    await write('final', {text}, inference, id)
  }
  for (let run = 0; written < total; run++) {
    const inference = `inf_${run}`
    if (run % 3 !== 2) {
      await message(inference, `msg_${run}_a`, 40)
      continue
    }
    const calls = [
      {id: `call_${run}_1`, name: 'calc', args: {expression: '6 * 7'}},
      {id: `call_${run}_2`, name: 'clock', args: {timezone: 'UTC'}},
    ]
    await message(inference, `msg_${run}_a`, 8, calls)
    for (const call of calls) {
      await write('tool-call-execute', {tool_call: call}, inference, call.id)
      await write('tool-call-execution-result', {tool_result: {id: call.id, result: {value: 42}}}, inference, call.id)
    }
    // A run cut short by the event budget may end mid-message: still valid (nothing out of order).
    await message(inference, `msg_${run}_b`, 20)
  }
  out.end()
  await once(out, 'finish')
}

function fmt(rate) {
  return Math.round(rate).toLocaleString('en-US')
}

function mb(bytes) {
  return `${(bytes / 1048576).toFixed(0)} MB`
}
