import {z} from 'zod'
import {MiddlewareCallSchema} from './middleware-trace-schema.js'
import {RunTimelineSchema} from './run-timeline-schema.js'
import {ToolCallSchema, ToolUseSchema} from './turn.js'

/**
 * The envelope every event carries. `id` is unique per event; `message_id` is stable across the
 * events of one assistant message (start, partials, final) so frames built from them can be upserted.
 */
export const EventMetaSchema = z.object({
  id: z.string().min(1),
  session_id: z.string().min(1),
  inference_id: z.string().min(1),
  turn_id: z.string().min(1),
  message_id: z.string().min(1).optional(),
  model: z.string().optional(),
  usage: z.record(z.string(), z.unknown()).optional(),
  stop_reason: z.string().optional(),
  duration_ms: z.number().nonnegative().optional(),
})
export type EventMeta = z.infer<typeof EventMetaSchema>

export const STEP_PHASES = ['after_inference', 'after_tools'] as const
export type StepPhase = (typeof STEP_PHASES)[number]
/** `denied`: the user denied a step (StepController `deny`), which ends the run with the tool calls unanswered by tools. */
export const RUN_STATUSES = ['completed', 'cancelled', 'failed', 'denied'] as const
export type RunFinishedStatus = (typeof RUN_STATUSES)[number]
export const STEP_ACTIONS = ['continue', 'skip', 'deny'] as const
export type StepAction = (typeof STEP_ACTIONS)[number]
/** How a pause ended: a decision, or `cancelled` when the run was cancelled while it waited (never a decision). */
export const STEP_RESUMED_ACTIONS = [...STEP_ACTIONS, 'cancelled'] as const
export type StepResumedAction = (typeof STEP_RESUMED_ACTIONS)[number]

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({type: z.literal(type), meta: EventMetaSchema, ...shape})

export const EventSchema = z.discriminatedUnion('type', [
  ev('start', {}),
  ev('partial', {delta: z.string(), completion: z.string()}),
  ev('partial-thinking', {delta: z.string(), completion: z.string()}),
  ev('final', {text: z.string()}),
  ev('tool-call', {tool_call: ToolCallSchema}),
  ev('tool-call-execute', {tool_call: ToolCallSchema}),
  ev('tool-result', {tool_result: ToolUseSchema}),
  ev('tool-call-execution-result', {tool_result: ToolUseSchema}),
  /**
   * The run was cancelled. `text` is what the message in flight had streamed; `meta.message_id`
   * (with `model`, `duration_ms`) is set only when a message was still open, which then gets its
   * closing `llm.final` from this event.
   */
  ev('interrupt', {text: z.string()}),
  /**
   * The run failed. When a message was still open, `meta.message_id` names it and `text` holds
   * its partial text (absent otherwise, and in geppetto's and jiminy v1's error events).
   */
  ev('error', {message: z.string(), code: z.string().optional(), text: z.string().optional()}),
  ev('log', {level: z.enum(['trace', 'debug', 'info', 'warn', 'error']), message: z.string(), fields: z.record(z.string(), z.unknown())}),
  ev('info', {message: z.string(), data: z.record(z.string(), z.unknown())}),
  ev('agent-mode', {mode: z.string(), message: z.string(), data: z.record(z.string(), z.unknown())}),
  ev('step-paused', {
    pause_id: z.string().min(1),
    phase: z.enum(STEP_PHASES),
    tool_calls: z.array(ToolCallSchema),
    deadline: z.string(),
  }),
  ev('step-resumed', {pause_id: z.string().min(1), action: z.enum(STEP_RESUMED_ACTIONS), timed_out: z.boolean()}),
  /** The prompt a run answers, as the engine sees it (after redaction); `block_id` is its user block. */
  ev('user-prompt', {text: z.string(), block_id: z.string().min(1)}),
  /** A thinking stream ended; `text` is the whole thinking. */
  ev('thinking-ended', {text: z.string()}),
  /** The conversation's engine was rebuilt between runs; `record` is the RebuildRecord (webchat). */
  ev('conversation-rebuilt', {record: z.record(z.string(), z.unknown())}),
  /**
   * The last event of every run, however it ended (published by the Session). `usage` sums the
   * run's inferences; `stop_reason` is the last inference's; `duration_ms` is the whole run.
   */
  ev('run-finished', {
    status: z.enum(RUN_STATUSES),
    stop_reason: z.string().optional(),
    usage: z.record(z.string(), z.unknown()).optional(),
    duration_ms: z.number().nonnegative(),
    /** Where the run's time went (time to first token, tool calls, pauses); see run-timeline.ts. */
    timeline: RunTimelineSchema.optional(),
  }),
  /**
   * The middleware chain returned an answer whose text differs from what the engine streamed for
   * `meta.message_id` (after its `final`): `text` is the answer as the snapshot holds it, `by` the
   * middlewares that changed it, outermost first.
   */
  ev('answer-revised', {text: z.string(), by: z.array(z.string())}),
  /** Every traced middleware call of the run (timed, with its turn diffs), published once per run. */
  ev('middleware-trace', {calls: z.array(MiddlewareCallSchema)}),
])

export type Event = z.infer<typeof EventSchema>
export type EventType = Event['type']
export const EVENT_TYPES: readonly EventType[] = EventSchema.options.map((o) => o.shape.type.value)

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** An event before the publishing path stamps its envelope. */
export type EventBody = DistributiveOmit<Event, 'meta'>
/** Envelope fields a publisher may set; the rest come from the run context. */
export type MetaExtra = Partial<Pick<EventMeta, 'message_id' | 'model' | 'usage' | 'stop_reason' | 'duration_ms'>>

/**
 * v1 carried these as `info` events with a magic `message`; the decoder still reads that form
 * (old fixtures) and turns it into the typed event (see `upgradeV1Info` in event-codec.ts).
 */
export const V1_INFO_MESSAGES = ['user-prompt', 'thinking-ended', 'conversation-rebuilt'] as const
