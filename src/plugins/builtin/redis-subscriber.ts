import type {Redis} from 'ioredis'
import {z} from 'zod'
import {encodeEvent, redactString, type Event, type EventSink} from '../../core/index.js'
import {defineSubscriber} from '../api.js'
import type {ResourceScope} from '../resource-scope.js'

/** The same default as the bus (plugins sit beside the bus, not above it, so the value is repeated). */
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

export const RedisSubscriberConfigSchema = z
  .object({
    /** Default: $JIMINY_REDIS_URL, else redis://127.0.0.1:6379. */
    url: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    /** Stream key; `{conv_id}` is replaced by the conversation id. */
    stream: z.string().min(1).max(200).default('jiminy:events:{conv_id}'),
    /** `XADD … MAXLEN ~ maxlen`. */
    maxlen: z.number().int().min(1).max(1_000_000).default(10_000),
  })
  .strict()
export type RedisSubscriberConfig = z.infer<typeof RedisSubscriberConfigSchema>

/** One connection per URL and host, shared by every conversation that mirrors there (ioredis loaded on first use). */
function clientFor(resources: ResourceScope, url: string): Promise<Redis> {
  return resources.get(
    `builtin:redis-subscriber:${url}`,
    () =>
      import('ioredis').then(({Redis}) => {
        const c = new Redis(url, {maxRetriesPerRequest: 2, retryStrategy: (n) => Math.min(50 * 2 ** Math.min(n, 10), 2000)})
        // Failures are counted by the sinks; a listener keeps ioredis from printing every reconnect.
        c.on('error', () => undefined)
        // A mirror must not keep a CLI process alive on its own.
        c.on('connect', () => (c.stream as {unref?: () => void} | undefined)?.unref?.())
        return c
      }),
    async (client) => {
      const c = await client
      await c.quit().catch(() => c.disconnect())
    },
  )
}

/**
 * Mirrors every event of a conversation (event JSON, secrets redacted) to a Redis stream, for tools
 * outside jiminy that consume events: `XADD <stream> MAXLEN ~ N * type <type> event <json>`. Fire and
 * forget in publish order (one connection); a failure never disturbs the run, it is counted.
 */
export class RedisEventMirror implements EventSink {
  failures = 0
  private pending: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly client: Promise<Redis>,
    readonly stream: string,
    private readonly maxlen: number,
  ) {}

  publish(event: Event): void {
    const json = redactString(encodeEvent(event))
    // Chained, so events reach Redis in publish order even while the client is still loading.
    this.pending = this.pending
      .then(() => this.client)
      .then((c) => c.xadd(this.stream, 'MAXLEN', '~', this.maxlen, '*', 'type', event.type, 'event', json))
      .catch(() => {
        this.failures++
      })
  }

  /** Resolves once the last event published was written (or failed). */
  flush(): Promise<unknown> {
    return this.pending
  }
}

export const redisSubscriberContribution = defineSubscriber({
  name: 'redis',
  description: 'mirror every event of the conversation to a Redis stream (jiminy:events:{conv_id})',
  config: RedisSubscriberConfigSchema,
  create: (config, ctx) => {
    const url = config.url ?? ctx.env.JIMINY_REDIS_URL ?? DEFAULT_REDIS_URL
    return new RedisEventMirror(clientFor(ctx.resources, url), config.stream.replaceAll('{conv_id}', ctx.convId), config.maxlen)
  },
})
