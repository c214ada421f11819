#!/usr/bin/env node
// Re-records examples/cassettes/word-count, the "model" of the `plugin` profile in
// examples/jiminy.yaml: a stand-in OpenAI-compatible server (below) calls word_count on the
// quoted text of the prompt, then answers with the tool's result. The run goes through the real
// engine, the example plugin and the cassette recorder, so the cassette holds the requests jiminy
// sends today. Run after `npm run build`: `node scripts/record-example-cassette.js`.
import {createServer} from 'node:http'
import {rm} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dir = join(root, 'examples/cassettes/word-count')
const {runOnce} = await import(join(root, 'dist/index.js'))

const sse = (chunks) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n'
const chunk = (delta, finish = null, usage) => ({
  id: 'chatcmpl-example',
  object: 'chat.completion.chunk',
  model: 'word-counter',
  choices: [{index: 0, delta, finish_reason: finish}],
  ...(usage ? {usage} : {}),
})

const server = createServer((req, res) => {
  let body = ''
  req.on('data', (d) => (body += d))
  req.on('end', () => {
    const {messages} = JSON.parse(body)
    const last = messages.at(-1)
    res.writeHead(200, {'content-type': 'text/event-stream'})
    if (last.role === 'tool') {
      const {words} = JSON.parse(last.content).result
      const text = `That text has ${words} words, counted by the word_count tool.`
      res.end(
        sse([
          chunk({role: 'assistant', content: ''}),
          ...text.split(/(?<= )/).map((w) => chunk({content: w})),
          chunk({}, 'stop', {prompt_tokens: 120, completion_tokens: 12}),
        ]),
      )
      return
    }
    const quoted = /"([^"]+)"/.exec(String(last.content))?.[1] ?? String(last.content)
    const args = JSON.stringify({text: quoted})
    res.end(
      sse([
        chunk({role: 'assistant', content: 'Let me count. '}),
        chunk({tool_calls: [{index: 0, id: 'call_word_count_1', type: 'function', function: {name: 'word_count', arguments: ''}}]}),
        chunk({tool_calls: [{index: 0, function: {arguments: args.slice(0, 12)}}]}),
        chunk({tool_calls: [{index: 0, function: {arguments: args.slice(12)}}]}),
        chunk({}, 'tool_calls', {prompt_tokens: 90, completion_tokens: 20}),
      ]),
    )
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const {port} = server.address()
await rm(dir, {recursive: true, force: true})
try {
  const {outcome} = await runOnce({
    prompt: 'How many words are in "the quick brown fox jumps over the lazy dog"?',
    configPath: join(root, 'examples/jiminy.yaml'),
    profile: 'plugin',
    dataDir: false,
    overrides: {provider: {base_url: `http://127.0.0.1:${port}/v1`}},
    providerCassette: {mode: 'record', dir},
  })
  if (outcome.status !== 'completed') throw new Error(`run ${outcome.status}: ${outcome.error?.message ?? ''}`)
  console.log(`recorded ${dir}`)
} finally {
  server.close()
}
