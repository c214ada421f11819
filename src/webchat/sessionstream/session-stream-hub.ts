import type {Event} from '../../core/index.js'
import {ChatSessionStream, ChatTimeline, type ProjectedBatch} from '../../sem/sessionstream/index.js'
import type {ConversationStore} from '../../store/index.js'
import type {LiveConversation} from '../live-conversation.js'
import type {Logger} from '../logger.js'

/** uiEvent batches a subscription holds while its snapshot is prepared; more is `hydration_buffer_overflow`. */
export const DEFAULT_MAX_HYDRATION_BATCHES = 4096

/** One socket's subscription to one session. */
export interface StreamSubscriber {
  /** Live: frames go out as they come. Hydrating: batches wait until the snapshot is sent. */
  state: 'hydrating' | 'live'
  buffer: ProjectedBatch[]
  send(frames: readonly string[]): void
  /** The hydration buffer overflowed: the subscription is dropped. */
  overflow(): void
}

interface Entry {
  stream: ChatSessionStream | undefined
  readonly ready: Promise<ChatSessionStream>
  /** Events that arrived before the stored timeline was loaded. */
  readonly queue: {event: Event; streamId: string | undefined}[]
}

export interface SessionStreamHubOptions {
  readonly store: ConversationStore
  readonly logger: Logger
  /** Gets (or creates, hydrating from the store) the live conversation of a session, so its events flow. */
  readonly join: (sessionId: string) => Promise<LiveConversation>
  readonly maxHydrationBatches?: number
}

/**
 * The sessionstream transport's side of every conversation: each conversation's events (from its
 * StreamCoordinator, the same reader SEM and the AI SDK stream use) go through a ChatSessionStream,
 * whose uiEvent frames reach the sockets subscribed to that session; its timeline is saved to the
 * store when a run ends and loaded back before the first event of a conversation hydrated after a
 * restart or an eviction.
 */
export class SessionStreamHub {
  private readonly entries = new Map<string, Entry>()
  private readonly subscribers = new Map<string, Set<StreamSubscriber>>()
  private readonly maxHydrationBatches: number

  constructor(private readonly options: SessionStreamHubOptions) {
    this.maxHydrationBatches = options.maxHydrationBatches ?? DEFAULT_MAX_HYDRATION_BATCHES
  }

  /** A conversation went live (the manager's `created` hook): follow its events. */
  attach(conversation: LiveConversation): void {
    const entry = this.entryOf(conversation.id)
    conversation.onEvent((event, _seq, streamId) => {
      if (entry.stream) this.apply(conversation.id, entry.stream, event, streamId)
      else entry.queue.push({event, streamId})
    })
  }

  /** A conversation was evicted: sockets still subscribed to it bring it back so its events keep flowing. */
  evicted(convId: string): void {
    if ((this.subscribers.get(convId)?.size ?? 0) === 0) return
    this.options
      .join(convId)
      .catch((error: unknown) =>
        this.options.logger.warn({conv_id: convId, err: error}, 'sessionstream: re-joining an evicted session failed'),
      )
  }

  /** The session's stream once its conversation is live and its timeline loaded. */
  async ready(sessionId: string): Promise<ChatSessionStream> {
    await this.options.join(sessionId)
    return this.entryOf(sessionId).ready
  }

  subscribe(sessionId: string, subscriber: StreamSubscriber): void {
    let set = this.subscribers.get(sessionId)
    if (!set) this.subscribers.set(sessionId, (set = new Set()))
    set.add(subscriber)
  }

  unsubscribe(sessionId: string, subscriber: StreamSubscriber): void {
    const set = this.subscribers.get(sessionId)
    set?.delete(subscriber)
    if (set?.size === 0) this.subscribers.delete(sessionId)
  }

  private entryOf(sessionId: string): Entry {
    const known = this.entries.get(sessionId)
    if (known) return known
    const queue: Entry['queue'] = []
    const entry: Entry = {
      stream: undefined,
      queue,
      ready: this.load(sessionId).then((timeline) => {
        const stream = new ChatSessionStream(sessionId, timeline)
        entry.stream = stream
        for (const {event, streamId} of queue.splice(0)) this.apply(sessionId, stream, event, streamId)
        return stream
      }),
    }
    this.entries.set(sessionId, entry)
    return entry
  }

  private async load(sessionId: string): Promise<ChatTimeline | undefined> {
    try {
      const json = await this.options.store.loadTimeline(sessionId)
      return json === undefined ? undefined : ChatTimeline.parse(json)
    } catch (error) {
      this.options.logger.error({conv_id: sessionId, err: error}, 'sessionstream: the stored timeline is unreadable; starting an empty one')
      return undefined
    }
  }

  private apply(sessionId: string, stream: ChatSessionStream, event: Event, streamId: string | undefined): void {
    const batch = stream.apply(event, streamId)
    if (batch) this.deliver(sessionId, batch)
    if (event.type === 'run-finished') {
      this.options.store
        .saveTimeline(sessionId, stream.timeline.serialize())
        .catch((error: unknown) => this.options.logger.error({conv_id: sessionId, err: error}, 'sessionstream: saving the timeline failed'))
    }
  }

  private deliver(sessionId: string, batch: ProjectedBatch): void {
    for (const subscriber of this.subscribers.get(sessionId) ?? []) {
      if (subscriber.state === 'live') subscriber.send(batch.frames)
      else if (subscriber.buffer.length < this.maxHydrationBatches) subscriber.buffer.push(batch)
      else {
        this.unsubscribe(sessionId, subscriber)
        subscriber.overflow()
      }
    }
  }
}
