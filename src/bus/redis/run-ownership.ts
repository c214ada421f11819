import {randomBytes} from 'node:crypto'
import type {Redis} from 'ioredis'
import {RunInProgressError, type StepAction, type StepDecisionResult} from '../../core/index.js'
import type {LocalRuns, RemoteRun, RunClaim, RunOwnership} from '../run-ownership.js'
import {ControlChannel, type ControlResult} from './control-channel.js'
import {BusUnavailableError} from './bus-unavailable.js'
import {reconnectDelayMs, whenReady, withTimeout} from './redis-connection.js'
import {RunLock, type RunLease, type RunLockOptions} from './run-lock.js'

export interface RedisRunOwnershipOptions extends RunLockOptions {
  /** This instance's id in lock values and reply channels (default: random). */
  readonly instanceId?: string
  /** How long a forwarded cancel/step waits for the owner's answer. */
  readonly controlTimeoutMs?: number
  /** How long a run claim waits for Redis before failing with BusUnavailableError. */
  readonly commandTimeoutMs?: number
  readonly onError?: (error: unknown, where: string) => void
}

/** How long a run claim waits for Redis (a dead server fails sooner: ioredis gives up after two reconnects). */
export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000
/** How long a claim waits for a reconnecting connection before answering that Redis is unavailable. */
const READY_WAIT_MS = 1_000

/**
 * Run ownership across `serve` instances: a run holds `jiminy:run:{conv_id}` (RunLock) for its
 * whole life, and cancel/step requests received by any other instance are forwarded to the holder
 * over the control channel. The same instance may hold many conversations, one run each.
 */
export class RedisRunOwnership implements RunOwnership {
  readonly shared = true
  private readonly releasing = new Set<Promise<void>>()

  private constructor(
    private readonly client: Redis,
    readonly lock: RunLock,
    private readonly control: ControlChannel,
    private readonly onError?: (error: unknown, where: string) => void,
    private readonly commandTimeoutMs = DEFAULT_COMMAND_TIMEOUT_MS,
  ) {}

  /** Uses `client` for commands (not owned) and opens one pub/sub connection of its own. */
  static async open(client: Redis, options: RedisRunOwnershipOptions = {}): Promise<RedisRunOwnership> {
    const instanceId = options.instanceId ?? `inst-${randomBytes(6).toString('base64url')}`
    const control = await ControlChannel.open(client, instanceId, {
      ...(options.controlTimeoutMs !== undefined ? {timeoutMs: options.controlTimeoutMs} : {}),
      onError: (error) => options.onError?.(error, 'control channel'),
    })
    return new RedisRunOwnership(client, new RunLock(client, instanceId, options), control, options.onError, options.commandTimeoutMs)
  }

  get instanceId(): string {
    return this.lock.owner
  }

  /**
   * Claims convId; throws RunInProgressError (with the holder's inference id) when it is held, and
   * BusUnavailableError when Redis does not answer within `commandTimeoutMs` (a 503, not a 500).
   */
  async claim(convId: string): Promise<RunClaim> {
    // Reconnecting: a moment's blip is waited out, an outage answered at once (not after the timeout).
    await whenReady(this.client, READY_WAIT_MS)
    if (this.client.status !== 'ready')
      throw new BusUnavailableError(`redis unavailable: cannot claim ${convId}; connection ${this.client.status}`)
    let run: {cancel(): void} | undefined
    const acquiring = this.lock.acquire(convId, () => {
      this.onError?.(new Error(`run lock for ${convId} was taken by another instance; cancelling the run`), 'run lock')
      run?.cancel()
    })
    let acquired: Awaited<typeof acquiring>
    try {
      acquired = await withTimeout(acquiring, this.commandTimeoutMs, `run lock of ${convId}`)
    } catch (error) {
      // Taken late (Redis answered after the timeout): give it back, nobody runs under it.
      void acquiring.then((late) => (late.ok ? late.lease.release() : undefined)).catch(() => undefined)
      throw BusUnavailableError.wrap(error, `run lock of ${convId}`)
    }
    if (!acquired.ok) throw new RunInProgressError(acquired.holder?.inference_id ?? 'unknown (starting on another instance)')
    const lease = acquired.lease
    return {
      started: (handle, settled) => {
        run = handle
        lease.describe(handle.inferenceId).catch((error: unknown) => this.onError?.(error, 'run lock'))
        void settled.finally(() => this.track(this.releaseWithRetry(lease)))
      },
      release: () => this.releaseWithRetry(lease),
    }
  }

  /** Forwards a cancel to the instance running convId; undefined when no other instance runs it. */
  async cancelElsewhere(convId: string): Promise<{inferenceId: string} | undefined> {
    const result = await this.forward(convId, {kind: 'cancel'})
    return result?.kind === 'cancelled' ? {inferenceId: result.inference_id} : undefined
  }

  /** Forwards a step decision to the instance running convId; undefined when no other instance runs it. */
  async stepElsewhere(convId: string, pauseId: string, action: StepAction): Promise<StepDecisionResult | undefined> {
    const result = await this.forward(convId, {kind: 'step', pause_id: pauseId, action})
    if (result?.kind === 'stepped') return {ok: true}
    if (result?.kind === 'stale')
      return {
        ok: false,
        reason: 'stale',
        message: result.message,
        ...(result.current_pause_id !== undefined ? {currentPauseId: result.current_pause_id} : {}),
      }
    return undefined
  }

  /** Who runs convId when another instance holds its run lock; undefined when nobody else does. */
  async runningElsewhere(convId: string): Promise<RemoteRun | undefined> {
    const holder = await this.lock.holder(convId)
    if (!holder || holder.owner === this.instanceId) return undefined
    return {inferenceId: holder.inference_id, instance: holder.owner}
  }

  /** Answers forwarded requests for the runs of this instance. */
  serve(local: LocalRuns): void {
    this.control.serve((convId, command): ControlResult | undefined => {
      if (command.kind === 'cancel') {
        const cancelled = local.cancel(convId)
        return cancelled ? {kind: 'cancelled', inference_id: cancelled.inferenceId} : undefined
      }
      const decided = local.step(convId, command.pause_id, command.action)
      if (!decided) return undefined
      return decided.ok
        ? {kind: 'stepped'}
        : {
            kind: 'stale',
            message: decided.message,
            ...(decided.currentPauseId !== undefined ? {current_pause_id: decided.currentPauseId} : {}),
          }
    })
  }

  /** Waits for locks being released (runs that just ended), then closes the control channel. */
  async close(): Promise<void> {
    await Promise.all([...this.releasing])
    await this.control.close()
  }

  private track(release: Promise<void>): Promise<void> {
    this.releasing.add(release)
    void release.finally(() => this.releasing.delete(release))
    return release
  }

  private async forward(convId: string, command: Parameters<ControlChannel['request']>[1]): Promise<ControlResult | undefined> {
    const holder = await this.lock.holder(convId)
    if (!holder || holder.owner === this.instanceId) return undefined
    return this.control.request(convId, command)
  }

  private async releaseWithRetry(lease: RunLease): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      try {
        await lease.release()
        return
      } catch (error) {
        // Redis unreachable: try again for a while; past that the TTL frees the lock.
        this.onError?.(error, 'run lock release')
        await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(attempt)))
      }
    }
  }
}
