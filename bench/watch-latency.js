// serve --watch latency: file save → config + plugins reloaded, and file save → the next request's
// `conversation.rebuilt` frame (with its reasons and diff) on a real WebSocket, the request being
// sent as soon as the reload lands. Uses the default debounce (75 ms), a config file and one local
// plugin, and prints the median of several saves (alternating config and plugin edits).
// Run: npm run build && node bench/watch-latency.js [saves]
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import WebSocket from 'ws'
import {loadEngineBuilder, watchServerConfig} from '../dist/engine/index.js'
import {startServer} from '../dist/webchat/index.js'

const SAVES = Number(process.argv[2] ?? 9)
const dir = await mkdtemp(join(tmpdir(), 'jiminy-watch-bench-'))
const configPath = join(dir, 'jiminy.yaml')
const pluginPath = join(dir, 'tag.js')
const config = (n) =>
  `plugins: [tag.js]\nprofiles:\n  default:\n    provider: {type: mock, delay_ms: 0}\n    system_prompt: "prompt ${n}"\n    middlewares: [{name: tag}]\n`
const plugin = (n) =>
  `// edit ${n}\nexport default ({definePlugin, defineMiddleware, z}) => definePlugin({name: 'tag', version: '1.0.0', middlewares: [defineMiddleware({name: 'tag', config: z.object({}), create: () => (next) => next})]})\n`
await writeFile(configPath, config(0))
await writeFile(pluginPath, plugin(0))

const server = await startServer({port: 0, logLevel: 'silent', builder: await loadEngineBuilder({configPath, dataDir: false})})
let onReload = () => {}
const watcher = watchServerConfig({
  manager: server.manager,
  logger: {info() {}, error: (fields, message) => console.error(message, fields)},
  dataDir: false,
  onReloaded: () => onReload(),
})
await watcher.ready

const ws = new WebSocket(`${server.url.replace('http', 'ws')}ws?conv_id=bench&profile=default`)
let onRebuilt = () => {}
ws.on('message', (data) => {
  const frame = JSON.parse(data.toString())
  if (frame.sem && frame.event.type === 'conversation.rebuilt' && frame.event.record.reasons.length > 0) onRebuilt(frame.event.record)
})
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))

async function chat(prompt) {
  const res = await fetch(new URL('/chat', server.url), {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({prompt, conv_id: 'bench'}),
  })
  if (res.status !== 200) throw new Error(`chat: HTTP ${res.status}`)
  const conv = server.manager.get('bench')
  while (conv.running()) await new Promise((r) => setTimeout(r, 2))
}

await chat('warm up')
const reloads = []
const explained = []
for (let i = 1; i <= SAVES; i++) {
  await new Promise((r) => setTimeout(r, 150)) // let the previous save's events settle
  const reloaded = new Promise((resolve) => (onReload = resolve))
  const rebuilt = new Promise((resolve) => (onRebuilt = resolve))
  const t0 = performance.now()
  await (i % 2 === 0 ? writeFile(pluginPath, plugin(i)) : writeFile(configPath, config(i)))
  await reloaded
  reloads.push(performance.now() - t0)
  const request = chat(`after save ${i}`)
  const record = await rebuilt
  explained.push(performance.now() - t0)
  await request
  if (i === 1) console.log(`first rebuild reasons: ${record.reasons.join('; ')}`)
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
console.log(`saves: ${SAVES} (debounce 75 ms included)`)
console.log(
  `save → reloaded:             median ${median(reloads).toFixed(1)} ms  (min ${Math.min(...reloads).toFixed(1)}, max ${Math.max(...reloads).toFixed(1)})`,
)
console.log(
  `save → rebuilt + explained:  median ${median(explained).toFixed(1)} ms  (min ${Math.min(...explained).toFixed(1)}, max ${Math.max(...explained).toFixed(1)})`,
)
ws.close()
await watcher.close()
await server.close()
await rm(dir, {recursive: true, force: true})
