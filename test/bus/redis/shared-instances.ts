import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {expect} from 'vitest'
import {chatTopic} from '../../../src/bus/index.js'
import {runLockKey, streamKeyOf} from '../../../src/bus/redis/index.js'
import {startServer, type RunningServer, type ServerOptions} from '../../../src/webchat/server.js'
import type {BusFlags} from '../../../src/webchat/bus-selection.js'
import {rawClient} from './redis-cluster.js'
import {eventually, type RedisProcess} from './redis-server.js'
import type {FrameClient} from './serve-instance.js'

export const PROFILES = `
profiles:
  default: {provider: {type: mock, delay_ms: 0}}
  paced: {provider: {type: mock, delay_ms: 40}}
`

/** In-process `serve` instances (startServer) sharing one redis-server, each with its own connections. */
export class InstanceSet {
  readonly servers: RunningServer[] = []
  private readonly dir = mkdtempSync(join(tmpdir(), 'jiminy-shared-'))
  private readonly configPath = join(this.dir, 'jiminy.yaml')

  constructor(
    private readonly redis: RedisProcess,
    profiles = PROFILES,
  ) {
    writeFileSync(this.configPath, profiles)
  }

  async start(flags: Partial<BusFlags> = {}, options: Partial<ServerOptions> = {}): Promise<RunningServer> {
    const server = await startServer({
      port: 0,
      logLevel: 'silent',
      configPath: this.configPath,
      busFlags: {type: 'redis', redisUrl: this.redis.url, ...flags},
      ...options,
    })
    this.servers.push(server)
    return server
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()))
    rmSync(this.dir, {recursive: true, force: true})
  }
}

export async function chat(
  server: RunningServer,
  convId: string,
  prompt: string,
  profile = 'default',
): Promise<{status: number; body: Record<string, unknown>}> {
  const res = await fetch(`${server.url}chat/${profile}`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({prompt, conv_id: convId}),
  })
  return {status: res.status, body: (await res.json()) as Record<string, unknown>}
}

export async function getJson(url: string): Promise<{status: number; body: Record<string, unknown>}> {
  const res = await fetch(url)
  return {status: res.status, body: (await res.json()) as Record<string, unknown>}
}

/** Waits until convId's run lock is gone (the owner released it after flushing and saving), then for the watchers to have the last frame. */
export async function runDone(redis: Pick<RedisProcess, 'url'>, convId: string, ...watchers: FrameClient[]): Promise<number> {
  const raw = rawClient(redis.url)
  try {
    const lastSeq = await eventually(async () => {
      expect(await raw.exists(runLockKey(convId))).toBe(0)
      const [entry] = (await raw.xrevrange(streamKeyOf(chatTopic(convId)), '+', '-', 'COUNT', 1)) as [string, string[]][]
      const fields = entry![1]
      return Number(fields[fields.indexOf('next') + 1]) - 1
    }, 30_000)
    for (const w of watchers) await w.waitFor(() => w.lastSeq >= lastSeq, `frame ${lastSeq}`, 30_000)
    return lastSeq
  } finally {
    raw.disconnect()
  }
}
