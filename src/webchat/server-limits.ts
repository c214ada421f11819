import type {ConfigFile} from '../engine/index.js'
import {DEFAULT_FRAME_LOG_CAPACITY, DEFAULT_FRAME_LOG_MAX_BYTES} from '../sem/frame-log.js'
import {DEFAULT_MAX_BUFFERED_BYTES} from './connection-pool.js'
import {DEFAULT_MAX_CONVERSATIONS} from './conversation-manager.js'
import {defaultMaxConnections} from './http/connection-cap.js'
import {DEFAULT_BODY_LIMIT_BYTES} from './http/read-json-body.js'

/** Every bound of the server, in one table (docs/limits.md lists each with what happens past it). */
export interface ServerLimits {
  readonly bodyBytes: number
  readonly wsMaxPayloadBytes: number
  readonly maxBufferedBytes: number
  readonly frameLogCapacity: number
  readonly frameLogMaxBytes: number
  readonly idleTimeoutMs: number
  readonly heartbeatMs: number
  /** Live conversations at most (idle ones are evicted first; see docs/limits.md). */
  readonly maxConversations: number
  /** Open connections at most (`serve --max-connections`): past it, `503 too_many_connections`. */
  readonly maxConnections: number
  /** Open connections at most from one remote address (`serve --max-connections-per-address`). */
  readonly maxConnectionsPerAddress: number
  /** A client must send its request line and headers within this (Node's `headersTimeout`): else 408. */
  readonly headersTimeoutMs: number
  /** A client must send its whole request, body included, within this (Node's `requestTimeout`): else 408. */
  readonly requestTimeoutMs: number
}

export const DEFAULT_LIMITS: ServerLimits = {
  bodyBytes: DEFAULT_BODY_LIMIT_BYTES,
  wsMaxPayloadBytes: 64 * 1024,
  maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
  frameLogCapacity: DEFAULT_FRAME_LOG_CAPACITY,
  frameLogMaxBytes: DEFAULT_FRAME_LOG_MAX_BYTES,
  idleTimeoutMs: 30 * 60_000,
  heartbeatMs: 30_000,
  maxConversations: DEFAULT_MAX_CONVERSATIONS,
  maxConnections: defaultMaxConnections(),
  maxConnectionsPerAddress: 2048,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
}

/** The config file's `limits:` (snake_case) as ServerLimits fields; only those it sets. */
export function limitsOfConfig(config: ConfigFile['limits']): Partial<ServerLimits> {
  if (!config) return {}
  const out: {-readonly [K in keyof ServerLimits]?: ServerLimits[K]} = {}
  if (config.max_connections !== undefined) out.maxConnections = config.max_connections
  if (config.max_connections_per_address !== undefined) out.maxConnectionsPerAddress = config.max_connections_per_address
  if (config.headers_timeout_ms !== undefined) out.headersTimeoutMs = config.headers_timeout_ms
  if (config.request_timeout_ms !== undefined) out.requestTimeoutMs = config.request_timeout_ms
  return out
}
