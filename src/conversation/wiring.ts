import type {Publisher, Subscriber} from '../bus/index.js'
import {Session, type Turn} from '../core/index.js'
import {FrameLog, StreamCoordinator, type LoggedFrame} from '../sem/index.js'
import {BusSink, type BusSinkOptions} from './bus-sink.js'
import {Conversation, type ConversationEngine, type FrameAudience} from './conversation.js'
import type {ConversationHooks} from './hooks.js'

/** What a conversation continues from: its frame log's tail and last seq, and its snapshot (a store after a restart). */
export interface HydratedConversation {
  readonly lastSeq: number
  readonly frames: readonly LoggedFrame[]
  readonly snapshot: Turn | undefined
}

export const FRESH_CONVERSATION: HydratedConversation = {lastSeq: 0, frames: [], snapshot: undefined}

export interface ConversationWiring<A extends FrameAudience> {
  readonly convId: string
  readonly engine: ConversationEngine
  /** The bus its events go to (`chat:{conv_id}`), and the one its coordinator reads them back from. */
  readonly publisher: Publisher
  readonly subscriber: Subscriber
  /** Where live frames go (webchat: the ConnectionPool); default: nowhere. */
  readonly audience: A
  /** The FrameLog kept for sockets joining by cursor (`false`: none, a rerun or a one-shot run). */
  readonly frameLog: {readonly capacity: number; readonly maxBytes: number} | false
  readonly hydrated?: HydratedConversation
  readonly sinkOptions?: Omit<BusSinkOptions, 'onError'>
  readonly hooks?: ConversationHooks
}

/**
 * The one wiring of a conversation, used by `serve` (and `serve --record`, Save as fixture),
 * `record`, `replay --rerun`, `runOnce` and `/testing`'s server alike:
 *
 *   Session → BusSink (event JSON, secrets redacted) → bus `chat:{conv_id}` → StreamCoordinator
 *   (frames with their seq) → FrameLog → audience (sockets) → hooks (store rows, recorder, rerun)
 *
 * It continues the log and snapshot it is given (`hydrated`). The coordinator starts reading at
 * once; `conversation.ready` settles when its subscription is live.
 */
export function wireConversation<A extends FrameAudience>(wiring: ConversationWiring<A>): Conversation<A> {
  const {convId, engine, audience} = wiring
  const hooks = wiring.hooks ?? {}
  const hydrated = wiring.hydrated ?? FRESH_CONVERSATION
  const frameLog = wiring.frameLog === false ? false : new FrameLog(wiring.frameLog.capacity, wiring.frameLog.maxBytes)
  if (frameLog) for (const frame of hydrated.frames) frameLog.appendLogged(frame)
  const sink = new BusSink(wiring.publisher, convId, {...wiring.sinkOptions, ...(hooks.publishError ? {onError: hooks.publishError} : {})})
  const session = new Session(convId, {run: engine.built.run, sinks: [sink, ...engine.built.sinks]}, hydrated.snapshot)
  const log = frameLog === false ? undefined : frameLog
  const coordinator = new StreamCoordinator({
    convId,
    frameLog,
    afterSeq: hydrated.lastSeq,
    onFrame: (frame) => {
      audience.broadcast(frame.json)
      hooks.frame?.(frame, log)
    },
    ...(hooks.problem ? {onProblem: hooks.problem} : {}),
  })
  if (hooks.message) coordinator.onMessage(hooks.message)
  const ready = coordinator.start(wiring.subscriber)
  const conversation = new Conversation(convId, engine, {session, sink, coordinator, audience, ready, hooks})
  coordinator.onEvent((event, seq) => {
    conversation.runEvents.record(event, seq)
    if (event.type === 'run-finished') conversation.noteRunFinished(event)
    hooks.event?.(event, seq)
  })
  return conversation
}
