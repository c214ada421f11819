import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const REDIS_MISSING = 'redis-server is not installed: the Redis tests need a real server (Debian: apt-get install -y redis-server)'

/** A redis-server child process on a free loopback port, owned by one test file. */
export interface RedisProcess {
  readonly port: number
  readonly url: string
  /** Kills the server (SIGKILL by default) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port (and the same data dir, so an append-only file is reloaded). */
  restart(): Promise<void>
  /** Stops the server and removes its data dir. */
  dispose(): Promise<void>
}

export interface RedisProcessOptions {
  /** Persist every write (`--appendonly yes --appendfsync always`) so entries survive a restart. */
  readonly appendOnly?: boolean
}

/** Starts redis-server; throws (so the test fails, never skips) when the binary is missing. */
export async function startRedis(options: RedisProcessOptions = {}): Promise<RedisProcess> {
  const probe = spawnSync('redis-server', ['--version'], {encoding: 'utf8'})
  if (probe.error || probe.status !== 0) throw new Error(REDIS_MISSING)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'jiminy-redis-'))
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--protected-mode',
    'no',
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ]
  let child: ChildProcess | undefined
  const launch = async () => {
    child = spawn('redis-server', args, {stdio: ['ignore', 'pipe', 'pipe']})
    await waitReady(child)
  }
  await launch()
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child
    child = undefined
    if (!c || c.exitCode !== null || c.signalCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill(signal)
    })
  }
  process.once('exit', () => child?.kill('SIGKILL'))
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: async (signal) => {
      await stop(signal)
    },
    restart: launch,
    dispose: async () => {
      await stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not become ready:\n${output}`)), 10_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        child.stdout?.resume()
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`))
    })
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Polls until check passes or the budget runs out (then the last failure is thrown). */
export async function eventually<T>(check: () => T | Promise<T>, budgetMs = 10_000): Promise<T> {
  const until = Date.now() + budgetMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > until) throw error
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }
}
