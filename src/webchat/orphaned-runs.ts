import {RunInProgressError, type Event} from '../core/index.js'
import type {RunOwnership} from '../bus/index.js'
import type {LiveConversation} from './live-conversation.js'

/** `run.error` code of a run whose instance died (its run lock expired with no terminal frame). */
export const INSTANCE_LOST = 'instance_lost'
export const DEFAULT_ORPHAN_CHECK_MS = 500
/** Checks in a row that must find no lock before a run is declared orphaned (a run ending is not). */
const STRIKES = 2
/**
 * After a check that could not reach Redis, this many more checks must find no lock. Locks expire
 * during an outage; once Redis is back the owner needs a reconnect (≤ 2 s) and a renewal (≤ 1 s) to
 * take its lock again and publish its run's end, which must not be beaten by an `instance_lost`.
 */
const OUTAGE_GRACE = 12

interface OpenRun {
  readonly turnId: string
  strikes: number
}

/**
 * Redis mode: a run belongs to the instance holding its conversation's run lock. When that
 * instance dies (SIGKILL, OOM) its lock expires and nobody would ever send the run's terminal
 * frames: every other client would wait forever. Each instance follows the runs it sees on the
 * conversations it has open; a run with no terminal event whose lock is gone for STRIKES checks
 * in a row is ended here — claim the conversation (so only one instance does it), publish
 * `error instance_lost` and `run-finished failed` through the bus like any run's events, release.
 */
export class OrphanedRunReaper {
  private readonly open = new Map<string, Map<string, OpenRun>>()
  private readonly timer: NodeJS.Timeout
  private checking = false

  constructor(
    private readonly ownership: RunOwnership,
    private readonly conversations: () => Iterable<LiveConversation>,
    private readonly onError: (convId: string, error: unknown) => void,
    checkEveryMs = DEFAULT_ORPHAN_CHECK_MS,
  ) {
    this.timer = setInterval(() => void this.check(), checkEveryMs)
    this.timer.unref()
  }

  /** Follows the runs of a conversation this instance has open. */
  watch(conversation: LiveConversation): void {
    conversation.onEvent((event) => this.seen(conversation.id, event))
  }

  forget(convId: string): void {
    this.open.delete(convId)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private seen(convId: string, event: Event): void {
    // Events outside any run (a rebuild notice) open nothing.
    if (event.type === 'conversation-rebuilt') return
    let runs = this.open.get(convId)
    if (event.type === 'run-finished') {
      runs?.delete(event.meta.inference_id)
      return
    }
    if (!runs) this.open.set(convId, (runs = new Map<string, OpenRun>()))
    const run = runs.get(event.meta.inference_id)
    if (run) run.strikes = Math.min(run.strikes, 0)
    else runs.set(event.meta.inference_id, {turnId: event.meta.turn_id, strikes: 0})
  }

  private async check(): Promise<void> {
    if (this.checking) return
    this.checking = true
    try {
      for (const conversation of this.conversations()) {
        const runs = this.open.get(conversation.id)
        if (!runs || runs.size === 0 || conversation.running()) continue
        try {
          if (await this.ownership.runningElsewhere(conversation.id)) {
            for (const run of runs.values()) run.strikes = 0
            continue
          }
          for (const [inferenceId, run] of runs) {
            if (++run.strikes >= STRIKES) await this.end(conversation, inferenceId, run)
          }
        } catch (error) {
          for (const run of runs.values()) run.strikes = -OUTAGE_GRACE
          this.onError(conversation.id, error)
        }
      }
    } finally {
      this.checking = false
    }
  }

  private async end(conversation: LiveConversation, inferenceId: string, run: OpenRun): Promise<void> {
    let claim
    try {
      claim = await this.ownership.claim(conversation.id)
    } catch (error) {
      // Another instance got there first (or a new run started): not ours to end.
      if (error instanceof RunInProgressError) return
      throw error
    }
    try {
      if (!this.open.get(conversation.id)?.has(inferenceId)) return
      const origin = {sessionId: conversation.id, inferenceId, turnId: run.turnId}
      conversation.publish(origin, {
        type: 'error',
        message: 'the instance running this run stopped before it ended (its run lock expired); the run is over',
        code: INSTANCE_LOST,
      })
      conversation.publish(origin, {type: 'run-finished', status: 'failed', duration_ms: 0})
      this.open.get(conversation.id)?.delete(inferenceId)
      await conversation.flush()
    } finally {
      await claim.release()
    }
  }
}
