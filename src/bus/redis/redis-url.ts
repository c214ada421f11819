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

/** The URL without its password, safe for logs and error messages. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(unparseable redis url)'
  }
}
