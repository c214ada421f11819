import {readFileSync} from 'node:fs'
import type {Socket} from 'node:net'
import {HttpError} from './http-error.js'

export interface ConnectionCapLimits {
  /** Open connections at most (HTTP keep-alive, SSE and WebSocket alike). */
  readonly maxConnections: number
  /** Open connections at most from one remote address. */
  readonly maxConnectionsPerAddress: number
}

/** How long a connection over the cap may take to send its request before it is dropped (it holds a descriptor). */
export const OVER_CAP_GRACE_MS = 2000

/**
 * Counts open connections, in total and per remote address, so a flood of connections (slow ones
 * that never finish their headers, or idle sockets) is answered `503 too_many_connections` while the
 * process still has file descriptors, instead of every client getting ECONNRESET once it has none.
 * A connection over a cap is still accepted: its request is answered 503 and it is closed; one that
 * sends nothing is dropped after OVER_CAP_GRACE_MS. The per-address cap keeps room for others while
 * one address floods.
 */
export class ConnectionCap {
  private total = 0
  private readonly byAddress = new Map<string, number>()
  private readonly over = new WeakMap<Socket, HttpError>()

  constructor(private readonly limits: ConnectionCapLimits) {}

  /** The http server's `connection` listener. */
  admit(socket: Socket): void {
    const address = socket.remoteAddress ?? ''
    const fromAddress = (this.byAddress.get(address) ?? 0) + 1
    this.total++
    this.byAddress.set(address, fromAddress)
    socket.once('close', () => this.release(address))
    const refusal = this.refusalFor(fromAddress)
    if (refusal === undefined) return
    this.over.set(socket, refusal)
    socket.setTimeout(OVER_CAP_GRACE_MS, () => socket.destroy())
  }

  /** The answer for a request (or upgrade) on `socket` when it came over a cap; undefined otherwise. */
  refusal(socket: Socket): HttpError | undefined {
    return this.over.get(socket)
  }

  /** Open connections now (tests, logs). */
  get open(): number {
    return this.total
  }

  private refusalFor(fromAddress: number): HttpError | undefined {
    const {maxConnections, maxConnectionsPerAddress} = this.limits
    const headers = {'retry-after': '1', connection: 'close'}
    if (this.total > maxConnections)
      return new HttpError(
        'too_many_connections',
        `too many open connections (limit ${maxConnections}); try again shortly`,
        {limit: maxConnections},
        headers,
      )
    if (fromAddress > maxConnectionsPerAddress)
      return new HttpError(
        'too_many_connections',
        `too many open connections from your address (limit ${maxConnectionsPerAddress} per address); close some or try again shortly`,
        {limit: maxConnectionsPerAddress, per_address: true},
        headers,
      )
    return undefined
  }

  private release(address: string): void {
    this.total--
    const left = (this.byAddress.get(address) ?? 1) - 1
    if (left <= 0) this.byAddress.delete(address)
    else this.byAddress.set(address, left)
  }
}

/** Connections kept free below the process's file-descriptor limit (stores, Redis, plugin files, logs). */
const RESERVED_DESCRIPTORS = 256

/**
 * The default total cap: 8192, or less when the process may open fewer files (Linux: the soft
 * `Max open files` of /proc/self/limits, which Node raises to the hard limit at start), so the cap
 * is always reached before the descriptors run out.
 */
export function defaultMaxConnections(limitsFile = '/proc/self/limits'): number {
  const ceiling = 8192
  let text: string
  try {
    text = readFileSync(limitsFile, 'utf8')
  } catch {
    return ceiling
  }
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(text)?.[1]
  if (soft === undefined || soft === 'unlimited') return ceiling
  return Math.max(64, Math.min(ceiling, Number(soft) - RESERVED_DESCRIPTORS))
}
