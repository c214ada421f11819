import {Session, type Event, type Turn} from '../core/index.js'
import {FrameLog, StreamCoordinator, type LoggedFrame} from '../sem/index.js'
import type {ConversationStore} from '../store/index.js'
import {BusSink} from './bus-sink.js'
import {ConnectionPool} from './connection-pool.js'
import {Conversation, type ConversationEngine} from './conversation.js'
import type {ConversationManagerOptions} from './conversation-manager-options.js'
import {storedFrameOf} from './stored-conversations.js'

/** What the manager lends a new conversation: its options, the store, and where failures and idleness go. */
export interface WiringDeps {
  readonly options: ConversationManagerOptions
  readonly store: ConversationStore
  /** A message the bus refused (the manager's PublishFailureGuard decides whether to retry it). */
  readonly onPublishError: (error: unknown, event: Event) => 'retry' | undefined
  /** The pool has had no socket for `idleTimeoutMs`. */
  readonly onIdle: () => void
}

/**
 * Builds one live conversation along the one data path: Session → BusSink → bus → StreamCoordinator
 * → FrameLog → ConnectionPool (and the store's frame rows), continuing the log and snapshot the
 * store brought back (`hydrate`). The coordinator starts reading at once; `conversation.ready`
 * settles when its subscription is live.
 */
export function wireConversation(
  convId: string,
  engine: ConversationEngine,
  hydrated: {lastSeq: number; frames: LoggedFrame[]; snapshot: Turn | undefined},
  deps: WiringDeps,
): Conversation {
  const {options, store} = deps
  const events = options.events
  const frameLog = new FrameLog(options.frameLogCapacity, options.frameLogMaxBytes)
  for (const frame of hydrated.frames) frameLog.appendLogged(frame)
  const sink = new BusSink(options.publisher, convId, {...options.sinkOptions?.(convId), onError: deps.onPublishError})
  const session = new Session(convId, {run: engine.built.run, sinks: [sink, ...engine.built.sinks]}, hydrated.snapshot)
  const pool = new ConnectionPool({
    maxBufferedBytes: options.maxBufferedBytes,
    idleMs: options.idleTimeoutMs,
    onIdle: deps.onIdle,
    onDrop: (reason) => events?.dropped?.(convId, reason),
  })
  const coordinator = new StreamCoordinator({
    convId,
    frameLog,
    afterSeq: hydrated.lastSeq,
    onFrame: (frame) => {
      pool.broadcast(frame.json)
      store.appendFrames(convId, [storedFrameOf(frame, frameLog)])
    },
    onProblem: (problem) => events?.problem?.(convId, problem),
  })
  const ready = coordinator.start(options.subscriberFactory(convId))
  const conversation = new Conversation(convId, engine, session, sink, coordinator, pool, ready)
  coordinator.onEvent((event, seq) => {
    conversation.runEvents.record(event, seq)
    if (event.type === 'run-finished') conversation.noteRunFinished(event)
  })
  return conversation
}
