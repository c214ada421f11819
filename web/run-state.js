// @ts-check
import {ApiError} from './api.js'

/**
 * Whether the open conversation has a run going, from the frames alone: a run's first frame
 * begins it and its `run.finished` (the last frame of every run, however it ended) ends it, so
 * nothing polls. The server's `GET /api/conversations/{id}` is asked once per (re)connect
 * (`scheduleCheck` on `ws.hello`), for a run whose first frames the log no longer holds.
 */
export class RunState {
  /**
   * @param {object} o
   * @param {ReturnType<import('./api.js').createApi>} o.api
   * @param {() => string|null} o.convId the open conversation
   * @param {(running: boolean, inferenceId: string|null) => void} o.onChange
   */
  constructor(o) {
    this.api = o.api
    this.convId = o.convId
    this.onChange = o.onChange
    this.running = false
    /** @type {string | null} */
    this.inferenceId = null
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.checkTimer = undefined
    /**
     * Runs whose run.finished arrived (the reducer's): a POST /chat answer that comes after its frames starts nothing.
     * @type {ReadonlySet<string>}
     */
    this.finished = new Set()
    /** @type {string | null} the reducer's running run, as last observed */
    this.observed = null
  }

  /**
   * @param {boolean} running
   * @param {string | null} [inferenceId]
   */
  set(running, inferenceId = null) {
    if (running && inferenceId !== null && this.finished.has(inferenceId)) running = false
    this.running = running
    this.inferenceId = running ? (inferenceId ?? this.inferenceId) : null
    this.onChange(this.running, this.inferenceId)
  }

  check() {
    const convId = this.convId()
    if (!convId) return
    this.api.conversation(convId).then(
      (c) => convId === this.convId() && this.set(Boolean(c?.running), c?.inference_id ?? null),
      (e) => convId === this.convId() && e instanceof ApiError && e.status === 404 && this.set(false),
    )
  }

  scheduleCheck() {
    clearTimeout(this.checkTimer)
    this.checkTimer = setTimeout(() => this.check(), 300)
  }

  /**
   * Follows the frame reducer (conversation-reducer.js): a run's first frame begins it and its
   * run.finished (the last frame of every run, after run.cancelled / run.error too) ends it.
   * Only a change of the reducer's run counts, so a frame of no run (a rebuild) never ends a run a
   * POST just started.
   * @param {import('./page.js').ConversationState} conversation
   */
  observe(conversation) {
    this.finished = conversation.finished
    if (conversation.running === this.observed) return
    this.observed = conversation.running
    if (conversation.running !== null) {
      this.set(true, conversation.running)
      return
    }
    clearTimeout(this.checkTimer)
    this.set(false)
  }

  /** Another conversation is open: nothing observed yet. */
  reset() {
    clearTimeout(this.checkTimer)
    this.observed = null
    this.finished = new Set()
    this.set(false)
  }
}
