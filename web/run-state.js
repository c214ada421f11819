// @ts-check
import {ApiError} from './api.js'

/**
 * Whether the open conversation has a run going. Frames say most of it (llm.start begins a run;
 * run.cancelled, run.error and a final answer that calls no tools end it), and the server's
 * `GET /api/conversations/{id}` settles the rest (a loop that stops at max_iterations, a run
 * started from another tab): it is asked after each ambiguous frame and every few seconds while
 * a run is going.
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
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pollTimer = undefined
  }

  /**
   * @param {boolean} running
   * @param {string | null} [inferenceId]
   */
  set(running, inferenceId = null) {
    const changed = running !== this.running
    this.running = running
    this.inferenceId = running ? (inferenceId ?? this.inferenceId) : null
    if (changed) {
      clearInterval(this.pollTimer)
      if (running) this.pollTimer = setInterval(() => this.check(), 4000)
    }
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
   * Updates the state from one SEM event.
   * @param {import('./frames.js').SemEvent} event
   */
  track(event) {
    switch (event.type) {
      case 'llm.start':
      case 'tool.start':
      case 'step.paused':
        if (!this.running) this.set(true, event.inference_id ?? null)
        break
      case 'run.cancelled':
      case 'run.error':
      case 'run.finished':
        this.set(false)
        break
      case 'llm.final':
        if (event.stop_reason !== 'tool_calls') this.set(false)
        this.scheduleCheck()
        break
      case 'tool.done':
        this.scheduleCheck()
        break
      default:
        break
    }
  }
}
