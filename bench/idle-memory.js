// Memory per idle conversation: the retained heap (JS heap + external buffers, after a full GC) of
// N conversations, each after one finished run of the mock engine (a prompt, a streamed answer of a
// few dozen frames) and with no socket attached: engine + Session snapshot, ConnectionPool,
// StreamCoordinator, FrameLog (frame text, shared with the memory store's rows), the finished run's
// events and the recording tape (both packed once the run ends) and the conversation store. Measured
// with the memory store (every row on the JS heap) and with the SQLite store (rows in SQLite's page
// cache, counted in RSS only). Per conversation, so anything that grows with the number of
// conversations (an AsyncLocalStorage per engine did) shows as a higher figure at a higher N.
// Run: npm run build && node bench/idle-memory.js [conversations=2000] (re-runs itself with --expose-gc)
import {spawnSync} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {startServer} from '../dist/webchat/index.js'
import {parseConfigText} from '../dist/engine/index.js'
import {benchRow} from './bench-row.js'

if (!globalThis.gc) {
  const child = spawnSync(process.execPath, ['--expose-gc', ...process.argv.slice(1)], {stdio: 'inherit'})
  process.exit(child.status ?? 1)
}
const n = Number(process.argv[2] ?? 2000)
const CONFIG = `
default_profile: mock
profiles:
  mock:
    provider: {type: mock, model: mock-1, delay_ms: 0}
`
const dir = await mkdtemp(join(tmpdir(), 'jiminy-idle-'))
try {
  for (const store of ['memory', join(dir, 'store.sqlite')]) {
    const perConv = await measure(store)
    const name = store === 'memory' ? 'memory' : 'sqlite'
    console.log(
      `idle conversations (${name} store): ${(perConv.heap / 1024).toFixed(1)} KB heap+external each, ${(perConv.rss / 1024).toFixed(1)} KB RSS each (${n} conversations)`,
    )
    benchRow(`memory per idle conversation (${name} store), KB`, perConv.heap / 1024, {
      kind: 'kb',
      target: '<= 50',
      detail: `RSS ${(perConv.rss / 1024).toFixed(1)} KB each`,
    })
  }
} finally {
  await rm(dir, {recursive: true, force: true})
}

async function measure(store) {
  const server = await startServer({port: 0, logLevel: 'silent', config: parseConfigText(CONFIG, 'bench'), store})
  try {
    // One conversation first, so the engine's modules and caches are not counted.
    await runOne(server, 'warm')
    const before = settle()
    for (let i = 0; i < n; i++) await runOne(server, `idle-${i}`)
    const after = settle()
    return {heap: (after.heap - before.heap) / n, rss: (after.rss - before.rss) / n}
  } finally {
    await server.close()
  }
}

async function runOne(server, convId) {
  const {handle} = await server.manager.startRun(convId, 'mock', {}, 'say something short')
  const outcome = await handle.wait()
  if (outcome.status !== 'completed') throw new Error(`run ${convId}: ${outcome.status}`)
}

function settle() {
  for (let i = 0; i < 4; i++) globalThis.gc()
  const m = process.memoryUsage()
  return {heap: m.heapUsed + m.external, rss: m.rss}
}
