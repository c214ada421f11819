import type {Event} from '../core/index.js'
import {packedBytes, packText, unpackText, type PackedText} from '../store/index.js'

/** A decoded event of the conversation's stream with the SEM cursor it was consumed at. */
export interface RecordedEvent {
  readonly event: Event
  /** The conversation's last SEM seq once this event's frames went out. */
  readonly seq: number
}

/** Most events of a finished run packed (JSON.stringify and deflate run synchronously; a longer run stays a list). */
export const MAX_PACKED_EVENTS = 2_000

/** Events kept for one run; a run with more can no longer be replayed from its start. */
export const DEFAULT_RUN_EVENT_CAPACITY = 100_000

/**
 * The events of a conversation's latest run, from its start, in seq order, fed by the conversation's
 * StreamCoordinator; what `GET /api/chat/{id}/stream` replays and what `POST /api/chat` follows. A
 * run is an `inference_id`: the first event of another one starts a new log (events outside runs,
 * such as rebuilds, are not kept). Listeners see every event, after it is recorded.
 *
 * Once a run's `run-finished` is recorded its events are only read again by a stream opened late
 * (a quick run can end before the `POST /api/chat` that started it streams it), so an idle
 * conversation keeps them packed (JSON, deflated) and decodes them on such a read.
 */
export class RunEventLog {
  private inferenceId: string | undefined
  private events: RecordedEvent[] = []
  /** The finished run's events, packed; `events` is empty while this is set. */
  private packed: PackedText | undefined
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
        this.packed = undefined
        this.overflowed = false
      } else if (this.packed) {
        // An event of the run after its end: back to a plain list.
        this.events = this.unpacked()
        this.packed = undefined
      }
      if (this.events.length < this.capacity) this.events.push(recorded)
      else this.overflowed = true
      if (event.type === 'run-finished' && !this.overflowed && this.events.length <= MAX_PACKED_EVENTS) {
        this.packed = packText(JSON.stringify(this.events))
        this.events = []
      }
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
    if (this.overflowed) return undefined
    return this.packed ? this.unpacked() : this.events
  }

  /** Events held and what they take when packed (0 while the run goes on): for tests of the bound. */
  get held(): {events: number; packedBytes: number} {
    return this.packed
      ? {events: this.unpacked().length, packedBytes: packedBytes(this.packed)}
      : {events: this.events.length, packedBytes: 0}
  }

  private unpacked(): RecordedEvent[] {
    return this.packed ? (JSON.parse(unpackText(this.packed)) as RecordedEvent[]) : this.events
  }

  /** Adds a listener for every later event; returns a function that removes it. */
  subscribe(listener: (recorded: RecordedEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
