import {Cluster, Redis, type ClusterOptions, type RedisOptions} from 'ioredis'
import {describeRedisUrl, isClusterUrl, parseClusterUrl, RedisUnavailableError} from './redis-url.js'

/** Reconnect delay after the n-th failed attempt: 50 ms doubling, capped at 2 s. Never gives up. */
export const reconnectDelayMs = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 10), 2000)

export interface ConnectOptions {
  /** Told about connection errors after the first successful connect (the client reconnects by itself). */
  readonly onError?: (error: Error) => void
  readonly connectTimeoutMs?: number
  /** Extra ioredis options (blocking readers use `maxRetriesPerRequest: null`). */
  readonly redis?: RedisOptions
}

/**
 * Connects and checks the server answers (PING). Fails fast with RedisUnavailableError when it does
 * not; after that, the client reconnects forever with `reconnectDelayMs` backoff.
 */
export async function connectRedis(url: string, options: ConnectOptions = {}): Promise<Redis> {
  const shown = describeRedisUrl(url)
  if (isClusterUrl(url)) return connectCluster(url, shown, options)
  if (!/^rediss?:\/\//.test(url)) throw new RedisUnavailableError(shown, 'the URL must start with redis://, rediss:// or redis+cluster://')
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    retryStrategy: reconnectDelayMs,
    ...options.redis,
  })
  return checkConnected(client, shown, options)
}

/**
 * A Redis Cluster (`redis+cluster://host:port,…`) through ioredis `Cluster`. Every key of one
 * conversation is hash-tagged to one slot (keys.ts), so the append script and the run lock run on
 * one node. jiminy types the connection as `Redis`: every command it sends has the same signature
 * on both; `duplicateConnection` is the one place that tells them apart.
 */
async function connectCluster(url: string, shown: string, options: ConnectOptions): Promise<Redis> {
  let parsed: ReturnType<typeof parseClusterUrl>
  try {
    parsed = parseClusterUrl(url)
  } catch (error) {
    throw new RedisUnavailableError(shown, errorText(error))
  }
  const state = {connected: false}
  const clusterOptions: ClusterOptions = {
    lazyConnect: true,
    // Fail fast at start (like a single node), reconnect forever once connected.
    clusterRetryStrategy: (attempt) => (state.connected ? reconnectDelayMs(attempt) : null),
    redisOptions: {
      connectTimeout: options.connectTimeoutMs ?? 3000,
      ...(parsed.username !== undefined ? {username: parsed.username} : {}),
      ...(parsed.password !== undefined ? {password: parsed.password} : {}),
      ...(parsed.tls ? {tls: {}} : {}),
      ...options.redis,
    },
  }
  const cluster = new Cluster(
    parsed.nodes.map((n) => ({host: n.host, port: n.port})),
    clusterOptions,
  )
  const client = await checkConnected(cluster as unknown as Redis, shown, options)
  state.connected = true
  return client
}

async function checkConnected(client: Redis, shown: string, options: ConnectOptions): Promise<Redis> {
  let connected = false
  let firstError: Error | undefined
  // ioredis reports every failed reconnect as an 'error' event; without a listener it prints to stderr.
  client.on('error', (error: Error) => {
    if (connected) options.onError?.(error)
    else firstError ??= error
  })
  try {
    await client.connect()
    await client.ping()
  } catch (error) {
    client.disconnect()
    throw new RedisUnavailableError(shown, errorText(firstError ?? error))
  }
  connected = true
  return client
}

/**
 * Options of a connection whose commands must never run late: with no offline queue and no resend
 * of unanswered commands after a reconnect, a command issued while Redis is away fails at once,
 * and one that got no answer before the connection dropped is not sent again by ioredis. The
 * caller retries (the append script recognises a retried publish), so nothing it gave up on can
 * still land when Redis returns.
 */
export const NO_LATE_COMMANDS: RedisOptions = {enableOfflineQueue: false, autoResendUnfulfilledCommands: false}

/** Resolves when the connection is ready (or after `ms`, whatever its state). */
export function whenReady(client: Redis, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      client.off('ready', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    client.once('ready', done)
  })
}

/** A second connection to the same server with the same options (blocking reads, pub/sub, the publish writer). */
export function duplicateConnection(client: Redis, onError: (error: Error) => void, overrides: RedisOptions = {}): Redis {
  const copy =
    (client as unknown) instanceof Cluster
      ? duplicateCluster(client as unknown as Cluster, overrides)
      : client.duplicate({lazyConnect: false, ...overrides})
  copy.on('error', onError)
  return copy
}

/** A second Cluster client with the same nodes; `overrides` apply to each node connection. */
function duplicateCluster(cluster: Cluster, overrides: RedisOptions): Redis {
  const base = cluster.options
  const copy = cluster.duplicate([], {
    ...base,
    lazyConnect: false,
    clusterRetryStrategy: reconnectDelayMs,
    redisOptions: {...base.redisOptions, ...overrides},
    // A cluster keeps its own offline queue in front of the node connections.
    ...(overrides.enableOfflineQueue !== undefined ? {enableOfflineQueue: overrides.enableOfflineQueue} : {}),
  })
  return copy as unknown as Redis
}

export function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorText(error.errors[0])
  const code = (error as {code?: unknown} | null)?.code
  const message = error instanceof Error ? error.message : String(error)
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
}

/**
 * Rejects after `ms` if the command has not answered. While Redis is away ioredis keeps a command
 * queued for up to `maxRetriesPerRequest` reconnect attempts (seconds apart); this bounds the wait.
 * A command given up on may still run when Redis returns (its late result is ignored).
 */
export function withTimeout<T>(command: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis unavailable: ${what} got no answer within ${ms} ms`)), Math.max(1, ms))
  })
  command.catch(() => undefined)
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer))
}
