import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Cluster, Redis} from 'ioredis'
import {isClusterUrl, parseClusterUrl} from '../../../src/bus/redis/redis-url.js'
import {eventually, freePort, REDIS_MISSING} from './redis-server.js'

/** A real Redis Cluster of `masters` redis-server processes on loopback ports, no replicas. */
export interface RedisClusterProcess {
  readonly ports: readonly number[]
  /** `redis+cluster://127.0.0.1:P1,127.0.0.1:P2,…` */
  readonly url: string
  dispose(): Promise<void>
}

/**
 * Starts `masters` nodes with `--cluster-enabled yes`, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` and waits for `cluster_state:ok`
 * on every node. Throws (the test fails, never skips) when redis-server or redis-cli is missing.
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  for (const bin of ['redis-server', 'redis-cli']) {
    const probe = spawnSync(bin, ['--version'], {encoding: 'utf8'})
    if (probe.error || probe.status !== 0) throw new Error(`${bin} is missing. ${REDIS_MISSING}; redis-cli is in redis-tools`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'jiminy-cluster-'))
  const ports: number[] = []
  const children: ChildProcess[] = []
  const kill = () => children.forEach((c) => c.kill('SIGKILL'))
  process.once('exit', kill)
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort()
      ports.push(port)
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--protected-mode',
          'no',
        ],
        {stdio: 'ignore'},
      )
      children.push(child)
    }
    for (const port of ports) await eventually(() => ping(port), 10_000)
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      {encoding: 'utf8', timeout: 30_000},
    )
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`)
    for (const port of ports)
      await eventually(async () => {
        const info = await command(port, 'cluster', 'info')
        if (!String(info).includes('cluster_state:ok')) throw new Error(`node ${port}: cluster not ok yet`)
      }, 20_000)
  } catch (error) {
    kill()
    rmSync(dir, {recursive: true, force: true})
    throw error
  }
  return {
    ports,
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    dispose: async () => {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve()
              c.once('exit', () => resolve())
              c.kill('SIGKILL')
            }),
        ),
      )
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

async function command(port: number, ...args: string[]): Promise<unknown> {
  const client = new Redis({port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null})
  client.on('error', () => undefined)
  try {
    await client.connect()
    return await client.call(args[0]!, ...args.slice(1))
  } finally {
    client.disconnect()
  }
}

const ping = (port: number) => command(port, 'ping')

/** A plain client for a test's own checks: a Cluster for a `redis+cluster://` URL, else a Redis. */
export function rawClient(url: string): Redis {
  if (!isClusterUrl(url)) return new Redis(url)
  const cluster = new Cluster(parseClusterUrl(url).nodes.map((n) => ({host: n.host, port: n.port})))
  return cluster as unknown as Redis
}
