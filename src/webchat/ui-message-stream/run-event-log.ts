import type {Event} from '../../core/index.js'

/** A decoded event of the conversation's stream with the SEM cursor it was consumed at. */
export interface RecordedEvent {
  readonly event: Event
  /** The conversation's last SEM seq once this event's frames went out. */
  readonly seq: number
}

/** Events kept for one run; a run with more can no longer be replayed from its start. */
export const DEFAULT_RUN_EVENT_CAPACITY = 100_000

/**
 * The events of a conversation's latest run, from its start, in seq order, fed by the conversation's
 * StreamCoordinator; what `GET /api/chat/{id}/stream` replays and what `POST /api/chat` follows. A
 * run is an `inference_id`: the first event of another one starts a new log (events outside runs,
 * such as rebuilds, are not kept). Listeners see every event, after it is recorded.
 */
export class RunEventLog {
  private inferenceId: string | undefined
  private events: RecordedEvent[] = []
  private overflowed = false
  /** Runs whose events this log held and dropped (bounded). */
  private readonly replaced = new Set<string>()
  private readonly listeners = new Set<(recorded: RecordedEvent) => void>()

  constructor(private readonly capacity = DEFAULT_RUN_EVENT_CAPACITY) {}

  record(event: Event, seq: number): void {
    const recorded = {event, seq}
    if (event.type !== 'conversation-rebuilt') {
      if (event.meta.inference_id !== this.inferenceId) {
        if (this.inferenceId !== undefined) this.replaced.add(this.inferenceId)
        if (this.replaced.size > 1000) this.replaced.clear()
        this.inferenceId = event.meta.inference_id
        this.events = []
        this.overflowed = false
      }
      if (this.events.length < this.capacity) this.events.push(recorded)
      else this.overflowed = true
    }
    for (const listener of this.listeners) {
      try {
        listener(recorded)
      } catch {
        // One broken stream must not stop the others.
      }
    }
  }

  /**
   * The events of run `inferenceId` so far ([] before its first one arrives); undefined when the
   * log no longer holds them all (the run outgrew the capacity, or a later run replaced it).
   */
  eventsOf(inferenceId: string): readonly RecordedEvent[] | undefined {
    if (this.inferenceId !== inferenceId) return this.replaced.has(inferenceId) ? undefined : []
    return this.overflowed ? undefined : this.events
  }

  /** Adds a listener for every later event; returns a function that removes it. */
  subscribe(listener: (recorded: RecordedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
