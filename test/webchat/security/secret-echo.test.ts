import {spawn, type ChildProcess} from 'node:child_process'
import {createServer, type Server} from 'node:http'
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import WebSocket from 'ws'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

/** A key with no well-known shape: only redaction by value can catch it. */
const KEY = 'zz-plain-key-4711'
const chunk = (content: string) =>
  `data: ${JSON.stringify({id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm-1', choices: [{index: 0, delta: {content}, finish_reason: null}]})}\n\n`
const done = `data: ${JSON.stringify({id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm-1', choices: [{index: 0, delta: {}, finish_reason: 'stop'}]})}\n\ndata: [DONE]\n\n`

/** An upstream that echoes the key the way real ones do: in model text, in an error body, in a broken chunk. */
function upstream(): Promise<Server> {
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      if (body.includes('echo-error')) {
        res.writeHead(401, {'content-type': 'application/json'})
        return res.end(JSON.stringify({error: {message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error'}}))
      }
      res.writeHead(200, {'content-type': 'text/event-stream'})
      if (body.includes('echo-chunk')) return res.end(`${chunk('partial ')}data: {"broken": "${KEY}"\n\n`)
      // The key split across two chunks, then nothing more until the run is cancelled.
      if (body.includes('echo-hang')) {
        res.write(`${chunk(`hang ${KEY.slice(0, 7)}`)}${chunk(`${KEY.slice(7)} and`)}`)
        return
      }
      // The key split across two chunks, then the stream breaks: the run fails with the key in its partial text.
      if (body.includes('echo-split'))
        return res.end(`${chunk(`split ${KEY.slice(0, 7)}`)}${chunk(`${KEY.slice(7)} and`)}data: {"broken"\n\n`)
      res.end(`${chunk(`the key you sent is ${KEY} `)}${chunk(', bye')}${done}`)
    })
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

let dir: string
let up: Server
let serve: ChildProcess
let url: string
let output = ''
const answers: string[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-secret-'))
  up = await upstream()
  const port = (up.address() as AddressInfo).port
  await writeFile(
    join(dir, 'jiminy.yaml'),
    `default_profile: echo
store: ./conversations.db
profiles:
  echo:
    provider: {type: openai-chat, model: m-1, base_url: "http://127.0.0.1:${port}/v1", api_key_env: MY_KEY, max_retries: 0}
`,
  )
  serve = spawn(
    process.execPath,
    ['bin/run.js', 'serve', '--port', '0', '--config', join(dir, 'jiminy.yaml'), '--record', join(dir, 'rec')],
    {
      env: {...process.env, MY_KEY: KEY, JIMINY_LOG_LEVEL: 'debug', NO_COLOR: '1'},
    },
  )
  serve.stdout!.on('data', (c: Buffer) => (output += c.toString()))
  serve.stderr!.on('data', (c: Buffer) => (output += c.toString()))
  const until = Date.now() + 20_000
  while (!/http:\/\/127\.0\.0\.1:\d+\//.test(output)) {
    if (Date.now() > until || serve.exitCode !== null) throw new Error(`serve did not start: ${output}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  url = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)![0]
})

afterAll(async () => {
  serve?.kill('SIGKILL')
  up?.close()
  await rm(dir, {recursive: true, force: true})
})

async function get(path: string): Promise<string> {
  const text = await (await fetch(new URL(path, url))).text()
  answers.push(text)
  return text
}

async function runAndWatch(convId: string, prompt: string, cancelAfterMs?: number): Promise<void> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}ws?conv_id=${convId}`, {headers: {origin: url.slice(0, -1)}})
  ws.on('message', (data) => answers.push(data.toString()))
  await new Promise((resolve) => ws.once('open', resolve))
  const res = await fetch(new URL('/chat', url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({conv_id: convId, prompt}),
  })
  answers.push(await res.text())
  if (cancelAfterMs !== undefined) {
    await new Promise((r) => setTimeout(r, cancelAfterMs))
    await fetch(new URL(`/api/conversations/${convId}/cancel`, url), {method: 'POST', headers: {origin: url.slice(0, -1)}})
  }
  const until = Date.now() + 15_000
  for (;;) {
    const detail = JSON.parse(await get(`/api/conversations/${convId}`)) as {running?: boolean}
    if (detail.running === false) break
    if (Date.now() > until) throw new Error(`${convId} still running`)
    await new Promise((r) => setTimeout(r, 50))
  }
  ws.close()
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = []
  for (const name of await readdir(root)) {
    const path = join(root, name)
    if ((await stat(path)).isDirectory()) out.push(...(await filesUnder(path)))
    else out.push(path)
  }
  return out
}

describe('a key the upstream echoes leaves no trace anywhere', () => {
  it('model text, an error body and a broken chunk: frames, HTTP answers, logs, store, recordings', async () => {
    await runAndWatch('echo-text', 'say it back')
    await runAndWatch('echo-error', 'please echo-error')
    await runAndWatch('echo-chunk', 'please echo-chunk')
    await runAndWatch('echo-split', 'please echo-split')
    await runAndWatch('echo-hang', 'please echo-hang', 1_000)
    // A prompt holding the key: its recording's inputs.json keeps the prompt (redacted).
    await runAndWatch('echo-prompt', `my key is ${KEY}, say it back`)
    await get('/api/conversations')
    await get('/api/conversations/echo-text/snapshot')
    await fetch(new URL('/api/conversations/echo-text/fixture', url), {method: 'POST', headers: {origin: url.slice(0, -1)}})
    serve.kill('SIGTERM')
    await new Promise((resolve) => serve.once('exit', resolve))

    // The runs really happened and really saw the key's neighbourhood.
    const everything = answers.join('\n')
    expect(everything).toContain('the key you sent is [redacted]')
    expect(everything).toContain('Incorrect API key provided: [redacted]')
    expect(everything).toContain('run.error')
    expect(everything).toContain('split [redacted] and')
    expect(output).toContain('run ended')
    expect(everything).not.toContain(KEY)
    expect(output).not.toContain(KEY)
    const files = await filesUnder(dir)
    expect(files.some((f) => f.endsWith('conversations.db'))).toBe(true)
    expect(files.some((f) => f.includes(`${join(dir, 'rec')}`))).toBe(true)
    expect(files.some((f) => f.endsWith('echo-prompt.inputs.json'))).toBe(true)
    for (const file of files) {
      if (file.endsWith('jiminy.yaml')) continue
      const bytes = await readFile(file)
      expect(bytes.includes(Buffer.from(KEY)), `${file} holds the key`).toBe(false)
    }
  })

  it("the store after the server: conversations show --json holds the cancelled run's partial text redacted", async () => {
    const show = await cli(['conversations', 'show', 'echo-hang', '--store', join(dir, 'conversations.db'), '--json'])
    expect(show.code).toBe(0)
    expect(show.stdout).toContain('"partial_text": "hang [redacted] and"')
    expect(show.stdout).not.toContain(KEY)
  })

  it('jiminy run prints the echoed key redacted, as serve sends it (text and --json)', async () => {
    const text = await cli(['run', '--config', join(dir, 'jiminy.yaml'), '--profile', 'echo', 'say it back'])
    expect(text.stdout).toContain('the key you sent is [redacted]')
    const split = await cli(['run', '--config', join(dir, 'jiminy.yaml'), '--profile', 'echo', 'please echo-split'])
    expect(split.stdout).toContain('split [redacted] and')
    const json = await cli(['run', '--config', join(dir, 'jiminy.yaml'), '--profile', 'echo', '--json', 'say it back'])
    expect(json.stdout).toContain('the key you sent is [redacted]')
    for (const r of [text, split, json]) expect(r.stdout + r.stderr).not.toContain(KEY)
  }, 120_000)
})

function cli(args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['bin/run.js', ...args], {env: {...process.env, MY_KEY: KEY, NO_COLOR: '1', XDG_DATA_HOME: dir}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.once('exit', (code) => done({code: code ?? 1, stdout, stderr}))
  })
}
