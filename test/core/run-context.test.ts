import {describe, expect, it} from 'vitest'
import {CollectingSink, publish, withRunContext, type Event, type RunContext} from '../../src/core/index.js'

const ctxWith = (sinks: RunContext['sinks'], inferenceId = 'inf_a'): RunContext => ({
  sessionId: 's',
  inferenceId,
  turnId: 't',
  signal: new AbortController().signal,
  sinks,
})

describe('publishing path', () => {
  it('stamps the envelope from the current run and delivers to each sink once', () => {
    const a = new CollectingSink()
    const b = new CollectingSink()
    withRunContext(ctxWith([a, b]), () => publish({type: 'partial', delta: 'x', completion: 'x'}, {message_id: 'm1'}))
    expect(a.events).toHaveLength(1)
    expect(b.events).toHaveLength(1)
    expect(a.events[0]!.meta).toMatchObject({session_id: 's', inference_id: 'inf_a', turn_id: 't', message_id: 'm1'})
    expect(a.events[0]!.meta.id).toMatch(/^evt_/)
  })

  it('keeps concurrent runs apart through async boundaries', async () => {
    const a = new CollectingSink()
    const b = new CollectingSink()
    const emit = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await new Promise((r) => setTimeout(r, 1))
        publish({type: 'info', message: String(i), data: {}})
      }
    }
    await Promise.all([withRunContext(ctxWith([a], 'inf_a'), () => emit(5)), withRunContext(ctxWith([b], 'inf_b'), () => emit(3))])
    expect(a.events.map((e) => e.meta.inference_id)).toEqual(Array(5).fill('inf_a'))
    expect(b.events.map((e) => e.meta.inference_id)).toEqual(Array(3).fill('inf_b'))
  })

  it('a throwing sink does not starve the others', () => {
    const good = new CollectingSink()
    const bad = {
      publish: (_e: Event) => {
        throw new Error('broken sink')
      },
    }
    withRunContext(ctxWith([bad, good]), () => publish({type: 'start'}))
    expect(good.events).toHaveLength(1)
  })

  it('refuses to publish outside a run', () => {
    expect(() => publish({type: 'start'})).toThrow(/outside a run/)
  })
})
