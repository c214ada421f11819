import {AsyncLocalStorage} from 'node:async_hooks'
import type {Event, EventBody, MetaExtra} from './events.js'
import {newId} from './ids.js'

/** Receives every event a run publishes. Sinks must not throw; async sinks keep their own order. */
export interface EventSink {
  publish(event: Event): void
}

/** What a run carries through every layer: its ids, its cancellation signal and its sinks. */
export interface RunContext {
  readonly sessionId: string
  readonly inferenceId: string
  readonly turnId: string
  readonly signal: AbortSignal
  readonly sinks: readonly EventSink[]
}

const storage = new AsyncLocalStorage<RunContext>()

/** Runs fn with ctx as the current run; everything fn publishes goes to ctx.sinks. */
export function withRunContext<T>(ctx: RunContext, fn: () => T): T {
  return storage.run(ctx, fn)
}

export function currentRunContext(): RunContext | undefined {
  return storage.getStore()
}

/**
 * The single publishing path: stamps the envelope from the current run and hands the event to
 * each sink of that run exactly once. Outside a run it is a programming error.
 */
export function publish(body: EventBody, extra: MetaExtra = {}): Event {
  const ctx = storage.getStore()
  if (!ctx) throw new Error(`publish(${body.type}) called outside a run context`)
  return publishTo(ctx.sinks, ctx, body, extra)
}

/** The ids an event is stamped with: a run's, or those its publisher chose for an event outside any run. */
export type EventOrigin = Pick<RunContext, 'sessionId' | 'inferenceId' | 'turnId'>

/**
 * The same path for events that belong to no running run (a rebuild notice, a run stopped because
 * the bus failed): the same envelope, the same once-per-sink delivery. Never `sink.publish` by hand.
 */
export function publishTo(sinks: readonly EventSink[], origin: EventOrigin, body: EventBody, extra: MetaExtra = {}): Event {
  const meta: Event['meta'] = {
    id: newId('evt'),
    session_id: origin.sessionId,
    inference_id: origin.inferenceId,
    turn_id: origin.turnId,
    message_id: extra.message_id,
    model: extra.model,
    usage: extra.usage,
    stop_reason: extra.stop_reason,
    duration_ms: extra.duration_ms,
  }
  // Unset fields stay undefined: JSON.stringify omits them, so the wire form is unchanged.
  // The body is built fresh by each caller, so the envelope is attached in place rather than copied.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the union is rebuilt from its parts
  const event = Object.assign(body, {meta}) as Event
  for (const sink of sinks) {
    try {
      sink.publish(event)
    } catch {
      // A broken sink must not break the run or starve the other sinks.
    }
  }
  return event
}

/** A sink that keeps every event, for tests, `jiminy run --json` and fixtures. */
export class CollectingSink implements EventSink {
  readonly events: Event[] = []
  publish(event: Event): void {
    this.events.push(event)
  }
}

/** A sink that forwards to a callback. */
export function callbackSink(fn: (event: Event) => void): EventSink {
  return {publish: fn}
}
