// A redis-server child process on a free loopback port for the benches (Debian: apt-get install -y redis-server).
import {spawn, spawnSync} from 'node:child_process'
import {createServer} from 'node:net'

/** Starts redis-server without persistence; `stop()` kills it. Throws when redis-server is not installed. */
export async function startRedis() {
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
