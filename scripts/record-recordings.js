#!/usr/bin/env node
// Records the shipped recordings (v2: events, golden, inputs, cassette) in fixtures/recordings/ with
// `serve --record` in-process on fixtures/recordings/jiminy.yaml. The `openai` profile talks to a
// local stand-in for the OpenAI API on port 18555 that answers with the transcripts in
// test/fixtures/providers/openai-chat. Needs `npm run build`. Replaces the recordings it makes.
import {createServer} from 'node:http'
import {readFileSync, rmSync, renameSync, existsSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import WebSocket from 'ws'
import {startServer} from '../dist/webchat/index.js'
import {recordingPathsOf} from '../dist/fixtures/index.js'

const ROOT = join(import.meta.dirname, '..')
const OUT = join(ROOT, 'fixtures/recordings')
const CONFIG = join(OUT, 'jiminy.yaml')
const transcript = (name) => readFileSync(join(ROOT, 'test/fixtures/providers/openai-chat', `${name}.sse`), 'utf8')

const script = [transcript('tool-call'), transcript('text')]
let requests = 0
const upstream = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    res.writeHead(200, {'content-type': 'text/event-stream'})
    res.end(script[requests++ % script.length])
  })
})
await new Promise((resolve) => upstream.listen(18555, '127.0.0.1', resolve))

const tmp = mkdtempSync(join(tmpdir(), 'jiminy-recordings-'))
const server = await startServer({
  port: 0,
  logLevel: 'silent',
  configPath: CONFIG,
  record: {dir: tmp},
  env: {...process.env, JIMINY_RECORDINGS_KEY: 'sk-recording-placeholder'},
})

async function watch(convId, profile) {
  const frames = []
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}ws?conv_id=${convId}&profile=${profile}`)
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString())
    if (f.sem && !f.event.type.startsWith('ws.')) frames.push(f.event)
  })
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
  const waitFor = async (pred, what) => {
    for (let i = 0; i < 2000 && !pred(); i++) await new Promise((r) => setTimeout(r, 5))
    if (!pred()) throw new Error(`timed out waiting for ${what}`)
  }
  const count = (type) => frames.filter((e) => e.type === type).length
  return {frames, waitFor, count, close: () => ws.close()}
}
const post = async (path, body) => {
  const res = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(body),
  })
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res.json()
}

try {
  // mock-tool-step-cancel: a calc call paused after the inference and after the tools (both
  // continued), then a slow answer cancelled after three deltas.
  {
    const w = await watch('mock-tool-step-cancel', 'mock')
    await post('chat/mock', {prompt: 'what is 2+3? /tool', conv_id: 'mock-tool-step-cancel'})
    for (let n = 1; n <= 2; n++) {
      await w.waitFor(() => w.count('step.paused') >= n, 'a pause')
      const pause = w.frames.filter((e) => e.type === 'step.paused').at(-1)
      await post('api/conversations/mock-tool-step-cancel/step', {pause_id: pause.pause_id, action: 'continue'})
    }
    await w.waitFor(() => w.count('run.finished') >= 1, 'run 1')
    const deltas = w.count('llm.delta')
    await post('chat/mock', {prompt: 'tell me a story /slow', conv_id: 'mock-tool-step-cancel'})
    await w.waitFor(() => w.count('llm.delta') >= deltas + 3, 'three deltas')
    await post('api/conversations/mock-tool-step-cancel/cancel', {})
    await w.waitFor(() => w.count('run.finished') >= 2, 'run 2')
    w.close()
  }
  // openai-chat-tool: the model calls calc, then answers.
  {
    const w = await watch('openai-chat-tool', 'openai')
    await post('chat/openai', {prompt: 'what is 2+3?', conv_id: 'openai-chat-tool'})
    await w.waitFor(() => w.count('run.finished') >= 1, 'the run')
    w.close()
  }
} finally {
  await server.close()
  upstream.close()
}

for (const name of ['mock-tool-step-cancel', 'openai-chat-tool']) {
  const from = recordingPathsOf(join(tmp, `${name}.jsonl`))
  const to = recordingPathsOf(join(OUT, `${name}.jsonl`))
  for (const key of ['fixture', 'golden', 'inputs', 'cassette']) {
    rmSync(to[key], {recursive: true, force: true})
    if (existsSync(from[key])) renameSync(from[key], to[key])
  }
  console.log(`recorded ${to.fixture}`)
}
rmSync(tmp, {recursive: true, force: true})
