import type {Bus, BusMessage, MessageHandler, PublishOptions, SubscribeOptions, Subscription} from './types.js'

/**
 * The in-process bus: one topic is a list of handlers. Delivery is synchronous and in publish order;
 * a publish made from inside a handler is queued behind the message being delivered, so every
 * subscriber sees one order. Nothing is kept after delivery (replay is the FrameLog's job), so
 * `afterStreamId` is ignored and messages carry no `streamId`. A publisher's `event` rides along
 * (same process, never serialised), so readers skip decoding what was just encoded.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory' as const
  private readonly topics = new Map<string, Set<MessageHandler>>()
  private readonly pending: BusMessage[] = []
  private delivering = false
  private closed = false

  async publish(topic: string, payload: string, options: PublishOptions = {}): Promise<{streamId?: string}> {
    this.publishNow(topic, payload, options)
    return {}
  }

  /** Delivers before returning (unless a delivery is under way: then queued behind it, see the class comment). */
  publishNow(topic: string, payload: string, options?: PublishOptions): void {
    if (this.closed) throw new Error('bus is closed')
    const {seq, event} = options ?? {}
    this.pending.push({topic, payload, ...(seq !== undefined ? {seq} : {}), ...(event !== undefined ? {event} : {})})
    this.drain()
  }

  async subscribe(topic: string, handler: MessageHandler, _options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed')
    let handlers = this.topics.get(topic)
    if (!handlers) this.topics.set(topic, (handlers = new Set()))
    // Wrap so the same function can subscribe twice and close independently.
    const entry: MessageHandler = (message) => handler(message)
    handlers.add(entry)
    return {
      close: async () => {
        const set = this.topics.get(topic)
        set?.delete(entry)
        if (set?.size === 0) this.topics.delete(topic)
      },
    }
  }

  /** Handlers currently subscribed to topic (for tests and eviction checks). */
  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0
  }

  async close(): Promise<void> {
    this.closed = true
    this.topics.clear()
    this.pending.length = 0
  }

  private drain(): void {
    if (this.delivering) return
    this.delivering = true
    try {
      for (let message = this.pending.shift(); message; message = this.pending.shift()) {
        const handlers = this.topics.get(message.topic)
        if (!handlers) continue
        // The handlers as they are now (a handler may subscribe or unsubscribe others mid-delivery); no copy for the usual one.
        if (handlers.size === 1) deliver(handlers.values().next().value!, message)
        else for (const handler of [...handlers]) deliver(handler, message)
      }
    } finally {
      this.delivering = false
    }
  }
}

function deliver(handler: MessageHandler, message: BusMessage): void {
  try {
    handler(message)
  } catch {
    // A failing subscriber must not starve the others or break the publisher.
  }
}
