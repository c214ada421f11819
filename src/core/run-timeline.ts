import type {Event} from './events.js'
import type {EventSink} from './run-context.js'
import type {RunTimeline} from './run-timeline-schema.js'

type Inference = RunTimeline['inferences'][number]
type Tool = RunTimeline['tools'][number]
type Pause = RunTimeline['pauses'][number]

/**
 * Follows one run's events and keeps where its time went: each inference (time to first token,
 * tokens/s), each tool call, each step pause's wait. The Session attaches one per run and puts
 * `timeline()` on the run's `run-finished`. Times are taken when the event is published.
 */
export class RunTimelineRecorder implements EventSink {
  private readonly startedAt: number
  private readonly inferences: Inference[] = []
  private readonly open = new Map<string, {entry: Inference; at: number; firstAt?: number}>()
  private readonly tools: Tool[] = []
  private readonly openTools = new Map<string, {entry: Tool; at: number}>()
  private readonly pauses: Pause[] = []
  private readonly openPauses = new Map<string, {entry: Pause; at: number}>()

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now()
  }

  publish(event: Event): void {
    const at = this.now()
    switch (event.type) {
      case 'start':
        this.openInference(event.meta.message_id ?? event.meta.id, event.meta.model, at)
        break
      case 'partial':
      case 'partial-thinking': {
        // A message that thinks first publishes its first thinking chunk just before its `start`.
        if (event.type === 'partial-thinking' && event.meta.message_id !== undefined && !this.open.has(event.meta.message_id))
          this.openInference(event.meta.message_id, event.meta.model, at)
        const open = this.open.get(event.meta.message_id ?? '')
        if (open && open.firstAt === undefined) {
          open.firstAt = at
          open.entry.first_token_ms = at - open.at
        }
        break
      }
      case 'final':
        this.closeInference(event.meta.message_id ?? '', at, event.meta.usage)
        break
      case 'interrupt':
      case 'error':
        if (event.meta.message_id !== undefined) this.closeInference(event.meta.message_id, at, undefined)
        break
      case 'tool-call-execute': {
        const entry: Tool = {id: event.tool_call.id, name: event.tool_call.name, start_ms: at - this.startedAt, duration_ms: 0}
        this.tools.push(entry)
        this.openTools.set(entry.id, {entry, at})
        break
      }
      case 'tool-call-execution-result': {
        const open = this.openTools.get(event.tool_result.id)
        if (!open) break
        this.openTools.delete(event.tool_result.id)
        open.entry.duration_ms = at - open.at
        if (event.tool_result.error !== undefined) open.entry.error = true
        break
      }
      case 'step-paused': {
        const entry: Pause = {pause_id: event.pause_id, phase: event.phase, start_ms: at - this.startedAt, wait_ms: 0}
        this.pauses.push(entry)
        this.openPauses.set(event.pause_id, {entry, at})
        break
      }
      case 'step-resumed': {
        const open = this.openPauses.get(event.pause_id)
        if (!open) break
        this.openPauses.delete(event.pause_id)
        open.entry.wait_ms = at - open.at
        open.entry.action = event.action
        open.entry.timed_out = event.timed_out
        break
      }
      default:
        break
    }
  }

  /** The run so far; anything still open (a cancelled tool, a pause) ends now. */
  timeline(): RunTimeline {
    const at = this.now()
    for (const open of this.openTools.values()) open.entry.duration_ms = at - open.at
    for (const open of this.openPauses.values()) open.entry.wait_ms = at - open.at
    for (const [id] of this.open) this.closeInference(id, at, undefined)
    this.openTools.clear()
    this.openPauses.clear()
    // Keys in the schema's order, so the live event and its decoded copy serialise byte for byte alike.
    const inferences = this.inferences.map((i) => ({
      message_id: i.message_id,
      ...(i.model !== undefined ? {model: i.model} : {}),
      start_ms: i.start_ms,
      ...(i.first_token_ms !== undefined ? {first_token_ms: i.first_token_ms} : {}),
      duration_ms: i.duration_ms,
      ...(i.output_tokens !== undefined ? {output_tokens: i.output_tokens} : {}),
      ...(i.tokens_per_s !== undefined ? {tokens_per_s: i.tokens_per_s} : {}),
    }))
    return {total_ms: at - this.startedAt, inferences, tools: [...this.tools], pauses: [...this.pauses]}
  }

  /** An inference begins with its message's `start`, or with its first thinking chunk when it thinks first. */
  private openInference(id: string, model: string | undefined, at: number): void {
    if (this.open.has(id)) return
    const entry: Inference = {message_id: id, start_ms: at - this.startedAt, duration_ms: 0}
    if (model !== undefined) entry.model = model
    this.inferences.push(entry)
    this.open.set(id, {entry, at})
  }

  private closeInference(id: string, at: number, usage: Record<string, unknown> | undefined): void {
    const open = this.open.get(id)
    if (!open) return
    this.open.delete(id)
    open.entry.duration_ms = at - open.at
    const tokens = usage?.output_tokens
    if (typeof tokens === 'number' && tokens >= 0) {
      open.entry.output_tokens = tokens
      const streaming = at - (open.firstAt ?? open.at)
      if (streaming > 0) open.entry.tokens_per_s = Math.round((tokens / streaming) * 10_000) / 10
    }
  }
}
