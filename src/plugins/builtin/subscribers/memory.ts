import {z} from 'zod'
import type {Event, EventSink} from '../../../core/index.js'
import {defineSubscriber} from '../../api.js'
import type {ResourceScope} from '../../resource-scope.js'

export const MemorySubscriberConfigSchema = z.object({capacity: z.number().int().min(1).max(100_000).default(1000)}).strict()

/** A ring buffer of the last `capacity` events of a conversation, for debugging and tests. */
export class MemoryEventBuffer implements EventSink {
  private readonly ring: Event[] = []
  private start = 0
  private dropped = 0

  constructor(readonly capacity: number) {}

  publish(event: Event): void {
    if (this.ring.length < this.capacity) {
      this.ring.push(event)
      return
    }
    this.ring[this.start] = event
    this.start = (this.start + 1) % this.capacity
    this.dropped++
  }

  /** Oldest first. */
  events(): Event[] {
    return [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)]
  }

  /** How many events fell out of the ring. */
  get droppedCount(): number {
    return this.dropped
  }
}

/** Buffers by conversation id, oldest conversation evicted past this many. */
const MAX_CONVERSATIONS = 256
const BUFFERS_KEY = 'builtin:memory-subscriber:buffers'

const buffersIn = (resources: ResourceScope): Map<string, MemoryEventBuffer> =>
  resources.get(BUFFERS_KEY, () => new Map<string, MemoryEventBuffer>())

/** The memory buffer of a conversation built with the `memory` subscriber in this host (the latest build wins). */
export function memoryEventBuffer(resources: ResourceScope, convId: string): MemoryEventBuffer | undefined {
  return (resources.peek(BUFFERS_KEY) as Map<string, MemoryEventBuffer> | undefined)?.get(convId)
}

export const memorySubscriberContribution = defineSubscriber({
  name: 'memory',
  description: 'keep the last `capacity` events of each conversation in memory',
  config: MemorySubscriberConfigSchema,
  create: (config, ctx) => {
    const buffers = buffersIn(ctx.resources)
    const buffer = new MemoryEventBuffer(config.capacity)
    buffers.delete(ctx.convId)
    buffers.set(ctx.convId, buffer)
    if (buffers.size > MAX_CONVERSATIONS) buffers.delete(buffers.keys().next().value!)
    return buffer
  },
})
