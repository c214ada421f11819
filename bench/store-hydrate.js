// Conversation store: the hydration after a restart and the cost of the group commit.
// 1. Writes CONVS conversations x FRAMES SEM-shaped frames into a fresh SQLite store, then, in a new
//    process (a restart: nothing cached in the JS heap), times opening the file, `list()`, and the
//    first `framesAfter(id, 0)` of a resume (cold, then the median over 50 other conversations).
//    Issue 12 targets: list < 50 ms, first frame of a resume < 20 ms.
// 2. Appends/s through SqliteConversationStore's group commit (clock stops when every frame is
//    committed) vs MemoryConversationStore, same frames, same run; prints the ratio.
// Run: npm run build && node bench/store-hydrate.js [conversations=1000] [frames=200] [appends=200000]
import {spawnSync} from 'node:child_process'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {MemoryConversationStore, SqliteConversationStore} from '../dist/store/index.js'

const self = fileURLToPath(import.meta.url)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6
// CPU time of this process: on a shared machine the wall clock also counts everyone else's work.
const cpuMs = (since) => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1e3
}

if (process.argv[2] === '--hydrate') await hydrate(process.argv[3], Number(process.argv[4]))
else await main(Number(process.argv[2] ?? 1_000), Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 200_000))

/** What one run's frames look like: prompt, start, deltas with a growing cumulative, final, finished. */
function conversationFrames(convId, count, firstSeq = 1) {
  const frames = []
  let text = ''
  for (let i = 0; i < count; i++) {
    const seq = firstSeq + i
    const k = i % 50
    let event
    if (k === 0) event = {type: 'user.message', id: `u${seq}`, conv_id: convId, text: 'Tell me about SQLite group commit, briefly.'}
    else if (k === 1) event = {type: 'llm.start', id: `m${seq}`, role: 'assistant', conv_id: convId, inference_id: `inf_${seq}`}
    else if (k === 49) event = {type: 'run.finished', inference_id: `inf_${seq}`, status: 'completed', duration_ms: 812}
    else {
      if (k === 2) text = ''
      text += `token${k} `
      event = {type: 'llm.delta', id: `m${seq}`, conv_id: convId, inference_id: `inf_${seq}`, delta: `token${k} `, cumulative: text}
    }
    frames.push({seq, type: event.type, json: JSON.stringify({sem: true, event: {...event, seq}})})
  }
  return frames
}

async function main(convs, perConv, appends) {
  const dir = await mkdtemp(join(tmpdir(), 'jiminy-store-bench-'))
  try {
    const file = join(dir, 'conversations.db')
    let t = process.hrtime.bigint()
    const store = SqliteConversationStore.open(file, {maxFrames: 10_000})
    for (let c = 0; c < convs; c++) {
      const id = `conv_${String(c).padStart(5, '0')}`
      await store.upsertConversation({
        id,
        profile: 'default',
        signature: 'a1b2c3',
        config: {profile: 'default'},
        title: `Conversation ${c}`,
      })
      store.appendFrames(id, conversationFrames(id, perConv))
    }
    await store.close()
    const writeMs = ms(t)
    const bytes = (await stat(file)).size + (await stat(`${file}-wal`).catch(() => ({size: 0}))).size
    console.log(`wrote ${convs} conversations x ${perConv} frames in ${writeMs.toFixed(0)} ms (${(bytes / 1e6).toFixed(1)} MB on disk)`)

    // Five restarts, each in a fresh process; medians, since one cold start on a shared machine is noise.
    const runs = []
    for (let i = 0; i < 5; i++) {
      const out = spawnSync(process.execPath, [self, '--hydrate', file, String(convs)], {encoding: 'utf8'})
      if (out.status !== 0) throw new Error(`hydrate child failed: ${out.stderr}`)
      const run = JSON.parse(out.stdout)
      if (run.listed !== convs || run.frames !== perConv)
        throw new Error(`expected ${convs} conversations of ${perConv} frames, got ${JSON.stringify(run)}`)
      runs.push(run)
    }
    const h = Object.fromEntries(
      ['openMs', 'listMs', 'listCpuMs', 'listWarmMs', 'firstMs', 'firstCpuMs', 'resumeMs'].map((k) => [k, median(runs.map((r) => r[k]))]),
    )
    const worst = {listMs: Math.max(...runs.map((r) => r.listMs)), firstMs: Math.max(...runs.map((r) => r.firstMs))}
    console.log('after a restart (new process; median of 5 restarts, worst in brackets):')
    console.log(`  open the file (migrations, recovery)   ${h.openMs.toFixed(1)} ms`)
    console.log(
      `  list() of ${convs} conversations      ${h.listMs.toFixed(1)} ms [${worst.listMs.toFixed(1)}] (first call; ${h.listCpuMs.toFixed(1)} ms CPU), ${h.listWarmMs.toFixed(1)} ms (median of 20)   target < 50 ms`,
    )
    console.log(
      `  framesAfter(id, 0), ${perConv} frames     ${h.firstMs.toFixed(2)} ms [${worst.firstMs.toFixed(2)}] (first resume; ${h.firstCpuMs.toFixed(2)} ms CPU), ${h.resumeMs.toFixed(2)} ms (median of 50)   target < 20 ms`,
    )

    await appendRatio(dir, appends)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

async function hydrate(file, convs) {
  let t = process.hrtime.bigint()
  const store = SqliteConversationStore.open(file)
  const openMs = ms(t)
  let cpu = process.cpuUsage()
  t = process.hrtime.bigint()
  const list = await store.list()
  const listMs = ms(t)
  const listCpuMs = cpuMs(cpu)
  const warm = []
  for (let i = 0; i < 20; i++) {
    t = process.hrtime.bigint()
    await store.list()
    warm.push(ms(t))
  }
  cpu = process.cpuUsage()
  t = process.hrtime.bigint()
  const first = await store.framesAfter(list[Math.floor(convs / 2)].id, 0)
  const firstMs = ms(t)
  const firstCpuMs = cpuMs(cpu)
  const resumes = []
  for (let i = 0; i < 50; i++) {
    const id = list[(i * 17) % list.length].id
    t = process.hrtime.bigint()
    await store.framesAfter(id, 0)
    resumes.push(ms(t))
  }
  await store.close()
  console.log(
    JSON.stringify({
      openMs,
      listMs,
      listCpuMs,
      listWarmMs: median(warm),
      firstMs,
      firstCpuMs,
      resumeMs: median(resumes),
      listed: list.length,
      frames: first.length,
    }),
  )
}

/** One conversation streaming `n` frames, 100 per event-loop turn as a streaming provider would. */
async function appendRate(store, n) {
  const frames = conversationFrames('conv_bench', n)
  const cpu = process.cpuUsage()
  const t = process.hrtime.bigint()
  let callNs = 0n
  for (let i = 0; i < n; i += 100) {
    const c = process.hrtime.bigint()
    for (let j = i; j < Math.min(n, i + 100); j++) store.appendFrames('conv_bench', [frames[j]])
    callNs += process.hrtime.bigint() - c
    await new Promise((resolve) => setImmediate(resolve))
  }
  await store.flush()
  const total = ms(t)
  const used = cpuMs(cpu)
  return {rate: n / (total / 1e3), cpuRate: n / (used / 1e3), callNsPerFrame: Number(callNs) / n, stats: store.stats()}
}

async function appendRatio(dir, n) {
  const rounds = 3
  const mem = []
  const sql = []
  let last
  for (let r = 0; r < rounds; r++) {
    const m = new MemoryConversationStore({maxFrames: 10_000})
    mem.push(await appendRate(m, n))
    await m.close()
    const s = SqliteConversationStore.open(join(dir, `append-${r}.db`), {maxFrames: 10_000})
    last = await appendRate(s, n)
    sql.push(last)
    await s.close()
  }
  const wall = {m: median(mem.map((x) => x.rate)), s: median(sql.map((x) => x.rate))}
  const cpu = {m: median(mem.map((x) => x.cpuRate)), s: median(sql.map((x) => x.cpuRate))}
  const f = (x) => Math.round(x).toLocaleString('en')
  console.log(`appends of ${n.toLocaleString('en')} frames to one conversation (maxFrames 10,000, so trimming runs), median of ${rounds}:`)
  console.log(`  memory store   ${f(wall.m)} frames/s wall, ${f(cpu.m)} frames per CPU-second`)
  console.log(`  sqlite store   ${f(wall.s)} frames/s wall, ${f(cpu.s)} frames per CPU-second`)
  console.log(
    `                 ${last.stats.batches} batches (${(n / last.stats.batches).toFixed(0)} frames each); appendFrames itself ${last.callNsPerFrame.toFixed(0)} ns/frame`,
  )
  console.log(`  sqlite / memory = ${(wall.s / wall.m).toFixed(2)} (wall), ${(cpu.s / cpu.m).toFixed(2)} (CPU)`)
}
