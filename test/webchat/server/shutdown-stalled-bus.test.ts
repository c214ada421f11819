import {describe, expect, it} from 'vitest'
import {MemoryBus} from '../../../src/bus/memory.js'
import type {Bus, MessageHandler, PublishOptions, SubscribeOptions} from '../../../src/bus/index.js'
import {postJson, startTestServer} from './harness.js'

/** An in-memory bus whose publishes stop answering once `stall` is set (Redis gone, commands hanging). */
class StallingBus implements Bus {
  readonly kind = 'memory' as const
  stall = false
  published = 0
  stalled = 0
  private readonly inner = new MemoryBus()

  publish(topic: string, payload: string, options?: PublishOptions): Promise<{streamId?: string}> {
    if (this.stall) {
      this.stalled++
      return new Promise(() => undefined)
    }
    this.published++
    return this.inner.publish(topic, payload, options)
  }

  subscribe(topic: string, handler: MessageHandler, options?: SubscribeOptions) {
    return this.inner.subscribe(topic, handler, options)
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}

describe('shutdown while the bus takes nothing', () => {
  it('ends: the stopped run is cancelled and its unpublished events are given up after a bounded wait', async () => {
    const bus = new StallingBus()
    const server = await startTestServer({bus})
    const warnings: unknown[] = []
    const warn = server.logger.warn.bind(server.logger)
    server.logger.warn = ((obj: unknown, ...rest: unknown[]) => {
      warnings.push(obj)
      return (warn as (...args: unknown[]) => void)(obj, ...rest)
    }) as typeof server.logger.warn
    expect((await postJson(server, '/chat', {conv_id: 'stalled', prompt: '/slow a long answer please', profile: 'paced'})).status).toBe(200)
    await expect.poll(() => bus.published, {timeout: 10_000}).toBeGreaterThan(2)
    bus.stall = true
    // Without the bound, close() waits forever for the sink to flush.
    await server.close()
    expect(bus.stalled).toBeGreaterThan(0)
    expect(warnings).toContainEqual(expect.objectContaining({conv_id: 'stalled'}))
    await bus.close()
  }, 30_000)
})
