export {RedisBus, DEFAULT_STREAM_MAXLEN, DEFAULT_PUBLISH_TIMEOUT_MS, type RedisBusOptions} from './redis-bus.js'
export {
  RunLock,
  RunLease,
  DEFAULT_LOCK_TTL_MS,
  RUN_LOCK_PREFIX,
  type RunLockHolder,
  type RunLockOptions,
  type AcquireResult,
} from './run-lock.js'
export {ControlChannel, CONTROL_PREFIX, type ControlCommand, type ControlResult, type ControlHandler} from './control-channel.js'
export {RedisRunOwnership, type RedisRunOwnershipOptions} from './run-ownership.js'
export {connectRedis} from './redis-connection.js'
export {describeRedisUrl, RedisUnavailableError, DEFAULT_REDIS_URL} from './redis-url.js'
export {compareStreamIds, parseEntry, type StreamEntry} from './stream-entry.js'
export {StreamReader} from './stream-reader.js'
export {RedisSnapshotStore, SNAPSHOT_PREFIX, type RedisSnapshotStoreOptions} from './snapshot-store.js'
export {hashTagged, headKeyOf, runLockKey, snapshotKey, streamKeyOf} from './keys.js'
export {BusUnavailableError, BUS_UNAVAILABLE} from './bus-unavailable.js'
