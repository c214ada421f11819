import {randomBytes} from 'node:crypto'
import type {Redis} from 'ioredis'
import {RunInProgressError, type StepAction, type StepDecisionResult} from '../../core/index.js'
import type {LocalRuns, RemoteRun, RunClaim, RunOwnership} from '../run-ownership.js'
import {ControlChannel, type ControlResult} from './control-channel.js'
import {reconnectDelayMs} from './redis-connection.js'
import {RunLock, type RunLease, type RunLockOptions} from './run-lock.js'

export interface RedisRunOwnershipOptions extends RunLockOptions {
  /** This instance's id in lock values and reply channels (default: random). */
  readonly instanceId?: string
  /** How long a forwarded cancel/step waits for the owner's answer. */
  readonly controlTimeoutMs?: number
  readonly onError?: (error: unknown, where: string) => void
}

/**
 * Run ownership across `serve` instances: a run holds `jiminy:run:{conv_id}` (RunLock) for its
 * whole life, and cancel/step requests received by any other instance are forwarded to the holder
 * over the control channel. The same instance may hold many conversations, one run each.
 */
export class RedisRunOwnership implements RunOwnership {
  readonly shared = true
  private readonly releasing = new Set<Promise<void>>()

  private constructor(
    readonly lock: RunLock,
    private readonly control: ControlChannel,
    private readonly onError?: (error: unknown, where: string) => void,
  ) {}

  /** Uses `client` for commands (not owned) and opens one pub/sub connection of its own. */
  static async open(client: Redis, options: RedisRunOwnershipOptions = {}): Promise<RedisRunOwnership> {
    const instanceId = options.instanceId ?? `inst-${randomBytes(6).toString('base64url')}`
    const control = await ControlChannel.open(client, instanceId, {
      ...(options.controlTimeoutMs !== undefined ? {timeoutMs: options.controlTimeoutMs} : {}),
      onError: (error) => options.onError?.(error, 'control channel'),
    })
    return new RedisRunOwnership(new RunLock(client, instanceId, options), control, options.onError)
  }

  get instanceId(): string {
    return this.lock.owner
  }

  /** Claims convId; throws RunInProgressError (with the holder's inference id) when it is held. */
  async claim(convId: string): Promise<RunClaim> {
    let run: {cancel(): void} | undefined
    const acquired = await this.lock.acquire(convId, () => {
      this.onError?.(new Error(`run lock for ${convId} was taken by another instance; cancelling the run`), 'run lock')
      run?.cancel()
    })
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
