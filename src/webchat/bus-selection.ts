import type {Bus} from '../bus/index.js'
import {MemoryBus} from '../bus/index.js'
import {clusterUrlOf, DEFAULT_REDIS_URL, describeRedisUrl, redisUrlPassword} from '../bus/redis/redis-url.js'
import {registerSecret} from '../core/index.js'
import {decodeEvent} from '../core/index.js'
import type {ConfigFile} from '../engine/index.js'
import type {Logger} from './logger.js'
import type {RunOwnership} from '../bus/index.js'
import type {SnapshotStore} from './snapshot-store.js'
import type {ConversationStore} from '../store/index.js'
import type {StreamHistory} from './stream-replay.js'
import {frameCount} from '../sem/translator.js'
import type {SubscriberFactory} from './subscriber-factory.js'

/** `serve --bus … --redis-url …`; each field falls back to jiminy.yaml's `bus:`, then to memory. */
export interface BusFlags {
  readonly type?: 'memory' | 'redis'
  readonly redisUrl?: string
  readonly maxlen?: number
  /** How long a publish may wait for Redis before the run is ended with an error (default 30 s). */
  readonly publishTimeoutMs?: number
}

export type BusSelection =
  | {readonly type: 'memory'}
  | {readonly type: 'redis'; readonly redisUrl: string; readonly maxlen?: number; readonly publishTimeoutMs?: number}

/**
 * Flags win over the config file (`bus.redis_url`, else `bus.cluster: [host:port, …]` as a
 * `redis+cluster://` URL); `JIMINY_REDIS_URL`, then redis://127.0.0.1:6379 when Redis is chosen without a URL.
 */
export function selectBus(flags: BusFlags = {}, config: ConfigFile['bus'], env: NodeJS.ProcessEnv = process.env): BusSelection {
  const type = flags.type ?? config?.type ?? 'memory'
  if (type === 'memory') return {type}
  const maxlen = flags.maxlen ?? config?.maxlen
  const publishTimeoutMs = flags.publishTimeoutMs ?? config?.publish_timeout_ms
  const configUrl = config?.redis_url ?? (config?.cluster !== undefined ? clusterUrlOf(config.cluster) : undefined)
  const redisUrl = flags.redisUrl ?? configUrl ?? env.JIMINY_REDIS_URL ?? DEFAULT_REDIS_URL
  registerSecret(redisUrlPassword(redisUrl))
  return {
    type,
    redisUrl,
    ...(maxlen !== undefined ? {maxlen} : {}),
    ...(publishTimeoutMs !== undefined ? {publishTimeoutMs} : {}),
  }
}

/** The bus a server runs on, with what multi-instance mode adds; `close` releases what was opened. */
export interface BusTransport {
  readonly bus: Bus
  readonly subscriberFactory?: SubscriberFactory
  readonly runOwnership?: RunOwnership
  /** Conversation snapshots shared by the instances (absent: each Session keeps its own). */
  readonly snapshots?: SnapshotStore
  /** The log read back by stream id (Redis: the stream itself). */
  readonly streamHistory?: StreamHistory
  /** Conversations listed and shown by every instance (Redis: RedisConversationStore); used unless a store is named. */
  readonly conversationStore?: ConversationStore
  /** Whether the bus can take events now (Redis: the writer connection is ready); absent: always (memory). */
  readonly ready?: () => boolean
  close(): Promise<void>
}

/** Number of frames a bus payload becomes (an undecodable one becomes one `log` frame). */
export const framesOfPayload = (payload: string): number => {
  const decoded = decodeEvent(payload)
  return decoded.ok ? frameCount(decoded.event) : 1
}

/**
 * Opens the selected bus. Redis: fails fast with RedisUnavailableError when it cannot connect;
 * every conversation's reader starts at the beginning of the retained stream, so an instance that
 * joins late (or a client that moves to it) sees everything the stream still holds.
 */
export async function openBusTransport(selection: BusSelection, logger: Logger): Promise<BusTransport> {
  if (selection.type === 'memory') {
    const bus = new MemoryBus()
    return {bus, close: () => bus.close()}
  }
  // Loaded only in Redis mode: ioredis costs every other command a noticeable startup time.
  const {RedisBus, RedisRunOwnership, RedisSnapshotStore} = await import('../bus/redis/index.js')
  const {RedisConversationStore} = await import('./redis-conversation-store.js')
  const onError = (error: unknown, where: string) =>
    logger.warn({err: error, where, redis: describeRedisUrl(selection.redisUrl)}, 'redis problem; retrying')
  const bus = await RedisBus.connect(selection.redisUrl, {
    framesOf: framesOfPayload,
    onError,
    ...(selection.maxlen !== undefined ? {maxlen: selection.maxlen} : {}),
    ...(selection.publishTimeoutMs !== undefined ? {publishTimeoutMs: selection.publishTimeoutMs} : {}),
  })
  let ownership: Awaited<ReturnType<typeof RedisRunOwnership.open>>
  try {
    ownership = await RedisRunOwnership.open(bus.client, {onError})
  } catch (error) {
    await bus.close()
    throw error
  }
  const fromStart = bus.fromStart()
  logger.info({redis: describeRedisUrl(selection.redisUrl), instance: ownership.instanceId, maxlen: bus.maxlen}, 'redis bus connected')
  return {
    bus,
    subscriberFactory: () => fromStart,
    runOwnership: ownership,
    snapshots: new RedisSnapshotStore(bus.client, {onError}),
    streamHistory: bus,
    conversationStore: new RedisConversationStore(bus.client, `redis ${describeRedisUrl(selection.redisUrl)}`),
    ready: () => bus.writer.status === 'ready',
    close: async () => {
      await ownership.close()
      await bus.close()
    },
  }
}
