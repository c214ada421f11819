import {z} from 'zod'
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
export const STEP_ACTIONS = ['continue', 'skip', 'deny'] as const
export type StepAction = (typeof STEP_ACTIONS)[number]

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
  ev('interrupt', {text: z.string()}),
  ev('error', {message: z.string(), code: z.string().optional()}),
  ev('log', {level: z.enum(['trace', 'debug', 'info', 'warn', 'error']), message: z.string(), fields: z.record(z.string(), z.unknown())}),
  ev('info', {message: z.string(), data: z.record(z.string(), z.unknown())}),
  ev('agent-mode', {mode: z.string(), message: z.string(), data: z.record(z.string(), z.unknown())}),
  ev('step-paused', {
    pause_id: z.string().min(1),
    phase: z.enum(STEP_PHASES),
    tool_calls: z.array(ToolCallSchema),
    deadline: z.string(),
  }),
  ev('step-resumed', {pause_id: z.string().min(1), action: z.enum(STEP_ACTIONS), timed_out: z.boolean()}),
])

export type Event = z.infer<typeof EventSchema>
export type EventType = Event['type']
export const EVENT_TYPES: readonly EventType[] = EventSchema.options.map((o) => o.shape.type.value)

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
/** An event before the publishing path stamps its envelope. */
export type EventBody = DistributiveOmit<Event, 'meta'>
/** Envelope fields a publisher may set; the rest come from the run context. */
export type MetaExtra = Partial<Pick<EventMeta, 'message_id' | 'model' | 'usage' | 'stop_reason' | 'duration_ms'>>

/** `info` message a StreamingMessage publishes when a thinking stream ends (data.text = the whole thinking). */
export const INFO_THINKING_ENDED = 'thinking-ended'

/** `info` message a Session publishes when a run starts from a prompt (data.text, data.block_id), so every client sees the prompt. */
export const INFO_USER_PROMPT = 'user-prompt'
