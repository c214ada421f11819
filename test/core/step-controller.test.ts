import {describe, expect, it} from 'vitest'
import {CollectingSink, newId, StepController, withRunContext} from '../../src/core/index.js'
import {inRun, waitUntil} from './helpers.js'

const call = {id: 'c1', name: 'calc', args: {expression: '1+1'}}

describe('StepController', () => {
  it('publishes a pause with id, phase, calls and deadline, and resumes on the matching decision', async () => {
    const step = new StepController({enabled: true, timeoutMs: 60_000})
    const run = inRun(() => step.pause('after_inference', [call], new AbortController().signal))
    await waitUntil(() => step.pending() !== undefined)
    const pending = step.pending()!
    expect(step.decide(pending.pauseId, 'skip')).toEqual({ok: true})
    const {result, events} = await run
    expect(result).toEqual({action: 'skip', timedOut: false})
    expect(events[0]).toMatchObject({type: 'step-paused', pause_id: pending.pauseId, phase: 'after_inference', tool_calls: [call]})
    expect(Date.parse((events[0] as {deadline: string}).deadline)).toBeGreaterThan(Date.now())
    expect(events[1]).toMatchObject({type: 'step-resumed', pause_id: pending.pauseId, action: 'skip', timed_out: false})
  })

  it('rejects a stale pause id, before and after the current pause', async () => {
    const step = new StepController({enabled: true})
    expect(step.decide('pause_old', 'continue')).toMatchObject({ok: false, reason: 'stale'})
    const run = inRun(() => step.pause('after_tools', [call], new AbortController().signal))
    await waitUntil(() => step.pending() !== undefined)
    const id = step.pending()!.pauseId
    expect(step.decide('pause_old', 'continue')).toMatchObject({ok: false, reason: 'stale', currentPauseId: id})
    expect(step.decide(id, 'continue')).toEqual({ok: true})
    expect(step.decide(id, 'deny')).toMatchObject({ok: false, reason: 'stale'})
    await run
  })

  it('continues when the pause times out', async () => {
    const step = new StepController({enabled: true, timeoutMs: 20})
    const {result, events} = await inRun(() => step.pause('after_inference', [call], new AbortController().signal))
    expect(result).toEqual({action: 'continue', timedOut: true})
    expect(events[1]).toMatchObject({type: 'step-resumed', timed_out: true})
    expect(step.pending()).toBeUndefined()
  })

  it('cancel ends the pause with an abort', async () => {
    const step = new StepController({enabled: true})
    const controller = new AbortController()
    const run = inRun(() => step.pause('after_inference', [call], controller.signal))
    await waitUntil(() => step.pending() !== undefined)
    controller.abort()
    await expect(run).rejects.toMatchObject({name: 'AbortError'})
    expect(step.pending()).toBeUndefined()
  })

  it('cancel closes the pause on the wire: step-resumed with action cancelled for its pause id', async () => {
    const step = new StepController({enabled: true})
    const controller = new AbortController()
    const sink = new CollectingSink()
    const ctx = {sessionId: 'conv-test', inferenceId: newId('inf'), turnId: newId('turn'), signal: controller.signal, sinks: [sink]}
    const run = withRunContext(ctx, () => step.pause('after_inference', [call], controller.signal))
    await waitUntil(() => step.pending() !== undefined)
    const pauseId = step.pending()!.pauseId
    controller.abort()
    await expect(run).rejects.toMatchObject({name: 'AbortError'})
    expect(sink.events.map((e) => e.type)).toEqual(['step-paused', 'step-resumed'])
    expect(sink.events[1]).toMatchObject({type: 'step-resumed', pause_id: pauseId, action: 'cancelled', timed_out: false})
  })
})
