// No ioredis import here: this module is loaded even when Redis is not used.

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** Redis could not be reached when jiminy started; the message names the URL (password removed) and the fix. */
export class RedisUnavailableError extends Error {
  readonly code = 'redis_unavailable'
  constructor(
    readonly url: string,
    cause: string,
  ) {
    super(`cannot reach Redis at ${url} (${cause}); start redis-server or pass --redis-url redis://host:port`)
    this.name = 'RedisUnavailableError'
  }
}

/** A Redis Cluster: `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster://` for TLS). */
export interface RedisClusterUrl {
  readonly tls: boolean
  readonly nodes: readonly {readonly host: string; readonly port: number}[]
  readonly username?: string
  readonly password?: string
}

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\//i

export const isClusterUrl = (url: string): boolean => CLUSTER_SCHEME.test(url)

/** `bus.cluster: [host:port, …]` in jiminy.yaml, as the one URL form the bus takes. */
export const clusterUrlOf = (nodes: readonly string[]): string => `redis+cluster://${nodes.join(',')}`

/** Parses a cluster URL; throws an Error naming what is wrong (no password in the message). */
export function parseClusterUrl(url: string): RedisClusterUrl {
  const scheme = CLUSTER_SCHEME.exec(url)
  if (!scheme) throw new Error('a cluster URL starts with redis+cluster:// or rediss+cluster://')
  let rest = url.slice(scheme[0].length).replace(/\/+$/, '')
  let username: string | undefined
  let password: string | undefined
  const at = rest.lastIndexOf('@')
  if (at >= 0) {
    const auth = rest.slice(0, at)
    rest = rest.slice(at + 1)
    const colon = auth.indexOf(':')
    username = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : auth) || undefined
    password = colon >= 0 ? decodeURIComponent(auth.slice(colon + 1)) || undefined : undefined
  }
  const nodes = rest.split(',').map((node) => {
    const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(node.trim())
    if (!m) throw new Error(`cluster node ${JSON.stringify(node)} is not host:port`)
    return {host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] !== undefined ? Number(m[2]) : 6379}
  })
  return {
    tls: scheme[1]!.toLowerCase() === 'rediss',
    nodes,
    ...(username !== undefined ? {username} : {}),
    ...(password !== undefined ? {password} : {}),
  }
}

/** The password of a Redis or Redis Cluster URL, if any (scrubbed by value from every output). */
export function redisUrlPassword(url: string): string | undefined {
  try {
    if (isClusterUrl(url)) return parseClusterUrl(url).password
    const password = new URL(url).password
    return password ? decodeURIComponent(password) : undefined
  } catch {
    return undefined
  }
}

/** The URL without its password, safe for logs and error messages. */
export function describeRedisUrl(url: string): string {
  if (isClusterUrl(url)) {
    const at = url.lastIndexOf('@')
    if (at < 0) return url.replace(/\/+$/, '')
    const scheme = CLUSTER_SCHEME.exec(url)![0]
    const auth = url.slice(scheme.length, at)
    const colon = auth.indexOf(':')
    return `${scheme}${colon >= 0 ? `${auth.slice(0, colon)}:***` : auth}@${url.slice(at + 1).replace(/\/+$/, '')}`
  }
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(unparseable redis url)'
  }
}
