#!/usr/bin/env node
/**
 * Regenerates the shipped fixtures in fixtures/: runs each scenario on the offline mock engine
 * through a real `jiminy serve --record DIR` (spawned from dist/, so `npm run build` first), with a
 * WebSocket client watching every conversation. Then writes each golden `.sem.jsonl` by replaying
 * the recorded fixture, and checks that the golden equals the frames the WebSocket client got.
 *
 *   node scripts/record-fixtures.js [--out fixtures] [--only name,name]
 *
 * Ids and timestamps are new on every run, so a regenerated fixture differs from the old one in
 * ids only; its shape (events, order, frames) is the same. See docs/fixtures.md.
 */
import {spawn} from 'node:child_process'
import {copyFile, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {createServer} from 'node:net'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import WebSocket from 'ws'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const {replayFixture} = await import(join(root, 'dist/fixtures/index.js'))

const CONFIG = `profiles:
  default:
    provider: {type: mock, delay_ms: 1}
  step:
    provider: {type: mock, delay_ms: 1}
    step_mode: true
`

/** Scenarios that run on a second server over Redis Streams (fixtures with real entry ids and stored seqs). */
const ON_REDIS = new Set(['redis-tool-loop'])

/** name (= conv_id = file name) → what to do on the server. */
const SCENARIOS = {
  'redis-tool-loop': async (s) => {
    const c = await s.client('redis-tool-loop')
    await s.chat('redis-tool-loop', 'what is 2+3, and what time is it? /tools')
    await s.idle('redis-tool-loop', [c])
    await s.chat('redis-tool-loop', 'and a plain answer now')
    await s.idle('redis-tool-loop', [c])
    return [c]
  },
  'plain-text': async (s) => {
    const c = await s.client('plain-text')
    await s.chat('plain-text', 'hello there, who are you?')
    await s.idle('plain-text', [c])
    return [c]
  },
  'tool-loop-two-tools': async (s) => {
    const c = await s.client('tool-loop-two-tools')
    await s.chat('tool-loop-two-tools', 'what is 2+3, and what time is it? /tools')
    await s.idle('tool-loop-two-tools', [c])
    return [c]
  },
  thinking: async (s) => {
    const c = await s.client('thinking')
    await s.chat('thinking', 'why is the sky blue? /think')
    await s.idle('thinking', [c])
    return [c]
  },
  'cancel-mid-stream': async (s) => {
    const c = await s.client('cancel-mid-stream')
    await s.chat('cancel-mid-stream', 'tell me a long story /slow')
    await c.waitFor((f) => f.filter((e) => e.type === 'llm.delta').length >= 3, '3 deltas')
    await s.post('/api/conversations/cancel-mid-stream/cancel', {})
    await s.idle('cancel-mid-stream', [c])
    return [c]
  },
  'provider-error': async (s) => {
    const c = await s.client('provider-error')
    await s.chat('provider-error', 'answer, then fail /error')
    await s.idle('provider-error', [c])
    return [c]
  },
  'step-mode': async (s) => {
    const c = await s.client('step-mode', 'step')
    await s.chat('step-mode', 'what is 6*7? /tool', 'step')
    for (const n of [1, 2]) {
      await c.waitFor((f) => f.filter((e) => e.type === 'step.paused').length >= n, `step.paused #${n}`)
      const pause = c.frames.filter((e) => e.type === 'step.paused')[n - 1]
      await s.post('/api/conversations/step-mode/step', {pause_id: pause.pause_id, action: 'continue'})
    }
    await s.idle('step-mode', [c])
    return [c]
  },
  'reconnect-after-seq': async (s) => {
    const first = await s.client('reconnect-after-seq')
    await s.chat('reconnect-after-seq', 'what is 7*6? /tool')
    await first.waitFor((f) => f.length >= 5, '5 frames')
    await first.close()
    await s.idle('reconnect-after-seq', [])
    const second = await s.client('reconnect-after-seq', 'default', first.lastSeq)
    await s.chat('reconnect-after-seq', 'and now the time? /tool')
    await s.idle('reconnect-after-seq', [second])
    // What the user saw: frames up to after_seq on the first socket, the rest on the second.
    return [first, second]
  },
  'rebuild-between-runs': async (s) => {
    const c = await s.client('rebuild-between-runs')
    await s.chat('rebuild-between-runs', 'hello')
    await s.idle('rebuild-between-runs', [c])
    await s.chat('rebuild-between-runs', 'once more, with a system prompt', 'default', {system_prompt: 'Be brief.'})
    await s.idle('rebuild-between-runs', [c])
    return [c]
  },
}

class Client {
  constructor(ws) {
    this.ws = ws
    this.raw = []
    this.frames = []
    this.waiters = []
    ws.on('message', (data) => {
      const text = data.toString()
      const parsed = JSON.parse(text)
      // Conversation frames only (control frames, ws.*, are SEM envelopes too but carry no seq).
      if (parsed.sem && !parsed.event.type.startsWith('ws.')) {
        this.raw.push(text)
        this.frames.push(parsed.event)
      }
      for (const w of this.waiters.splice(0)) w()
    })
  }
  get lastSeq() {
    return this.frames.at(-1)?.seq ?? 0
  }
  waitFor(pred, what, timeoutMs = 20_000) {
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), timeoutMs)
      const check = () => (pred(this.frames) ? (clearTimeout(timer), ok()) : this.waiters.push(check))
      check()
    })
  }
  close() {
    return new Promise((ok) => {
      this.ws.once('close', ok)
      this.ws.close()
    })
  }
}

function session(url) {
  const lastInference = new Map()
  const post = async (path, body) => {
    const res = await fetch(new URL(path, url), {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)})
    const json = await res.json()
    if (!res.ok) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  return {
    post,
    chat: async (convId, prompt, profile = 'default', overrides) => {
      // With Redis the run lock of the previous run may be released a moment after it ended: retry a 409 briefly.
      let answer
      for (let attempt = 0; ; attempt++) {
        try {
          answer = await post(`/chat/${profile}`, {conv_id: convId, prompt, ...(overrides ? {overrides} : {})})
          break
        } catch (error) {
          if (attempt >= 40 || !String(error.message).includes('→ 409')) throw error
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      lastInference.set(convId, answer.inference_id)
      return answer
    },
    async client(convId, profile = 'default', afterSeq) {
      const query = new URLSearchParams({conv_id: convId, profile, ...(afterSeq !== undefined ? {after_seq: String(afterSeq)} : {})})
      const ws = new WebSocket(`${url.replace('http', 'ws')}ws?${query}`)
      const client = new Client(ws)
      await new Promise((ok, fail) => (ws.once('open', ok), ws.once('error', fail)))
      return client
    },
    /** Until the last run has shown up, no run is going and every watching client has every frame. */
    async idle(convId, clients) {
      const inference = lastInference.get(convId)
      // A run's last frame is its run.finished. (With Redis, frames reach the coordinator after the
      // run itself has ended.)
      const ended = (e) => e.inference_id === inference && e.type === 'run.finished'
      if (inference && clients.length > 0) await clients.at(-1).waitFor((f) => f.some(ended), `the end of ${inference}`)
      for (let i = 0; i < 400; i++) {
        const detail = await (await fetch(new URL(`/api/conversations/${convId}`, url))).json()
        if (!detail.running && clients.every((c) => c.lastSeq === detail.last_seq)) return
        await new Promise((r) => setTimeout(r, 25))
      }
      throw new Error(`${convId} did not become idle`)
    },
  }
}

/** redis-server on a free loopback port, in-memory only; fails when redis-server is not installed. */
async function startRedis() {
  const port = await new Promise((ok, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const {port} = probe.address()
      probe.close(() => ok(port))
    })
    probe.once('error', fail)
  })
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise((ok, fail) => {
    child.once('error', (e) => fail(new Error(`redis-server could not start (apt-get install -y redis-server): ${e.message}`)))
    createInterface({input: child.stdout}).on('line', (line) => line.includes('Ready to accept connections') && ok())
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}`)))
  })
  const stop = () =>
    new Promise((ok) => {
      child.once('exit', ok)
      child.kill('SIGTERM')
    })
  return {url: `redis://127.0.0.1:${port}`, stop}
}

async function startServe(recordDir, configPath, extraArgs = []) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/run.js'), 'serve', '--port', '0', '--record', recordDir, '--config', configPath, '--log-level', 'warn', ...extraArgs],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const first = await new Promise((ok, fail) => {
    createInterface({input: child.stdout}).once('line', ok)
    child.once('exit', (code) => fail(new Error(`jiminy serve exited with ${code}`)))
  })
  const stop = () =>
    new Promise((ok) => {
      child.once('exit', ok)
      child.kill('SIGTERM')
    })
  return {url: first.trim(), stop}
}

async function main() {
  const {values} = parseArgs({options: {out: {type: 'string', default: join(root, 'fixtures')}, only: {type: 'string'}}})
  const names = values.only ? values.only.split(',') : Object.keys(SCENARIOS)
  const temp = await mkdtemp(join(tmpdir(), 'jiminy-record-'))
  const configPath = join(temp, 'jiminy.yaml')
  await writeFile(configPath, CONFIG)
  const recordDir = join(temp, 'recorded')
  const seen = {}
  for (const name of names) if (!SCENARIOS[name]) throw new Error(`no scenario ${name}; known: ${Object.keys(SCENARIOS).join(', ')}`)
  const groups = [names.filter((n) => !ON_REDIS.has(n)), names.filter((n) => ON_REDIS.has(n))]
  for (const [i, group] of groups.entries()) {
    if (group.length === 0) continue
    const redis = i === 1 ? await startRedis() : undefined
    const server = await startServe(recordDir, configPath, redis ? ['--bus', 'redis', '--redis-url', redis.url] : [])
    try {
      const s = session(server.url)
      for (const name of group) {
        const clients = await SCENARIOS[name](s)
        // Each frame once, in seq order, as the user saw it across reconnects.
        const bySeq = new Map()
        for (const c of clients) c.frames.forEach((f, j) => bySeq.has(f.seq) || bySeq.set(f.seq, c.raw[j]))
        seen[name] = [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, raw]) => raw)
        for (const c of clients) if (c.ws.readyState === WebSocket.OPEN) await c.close()
      }
    } finally {
      await server.stop() // flushes the recorder
      await redis?.stop()
    }
  }
  let failures = 0
  for (const name of names) {
    const fixture = join(values.out, `${name}.jsonl`)
    await copyFile(join(recordDir, `${name}.jsonl`), fixture)
    const replayed = []
    const report = await replayFixture(fixture, {update: true, onFrame: (json) => replayed.push(json)})
    const same = replayed.length === seen[name].length && replayed.every((json, i) => json === seen[name][i])
    if (report.status !== 'passed' || !same) failures++
    console.log(
      `${report.status === 'passed' && same ? 'ok  ' : 'FAIL'} ${fixture}: ${report.lines} events, ${report.frames} frames${same ? ', identical to the WebSocket client' : `, DIFFERENT from the ${seen[name].length} frames the WebSocket client got`}`,
    )
    for (const v of report.violations) console.log(`     ${v.rule} line ${v.line}: ${v.message}`)
  }
  await rm(temp, {recursive: true, force: true})
  process.exit(failures === 0 ? 0 : 1)
}

await main()
