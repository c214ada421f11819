/** The page's RunState (web/run-state.js): frames alone say when a run is going; nothing polls. */
import {afterEach, describe, expect, it, vi} from 'vitest'
// @ts-expect-error plain JS module of the page, no declarations
import {RunState} from '../../../web/run-state.js'

interface Tracker {
  running: boolean
  inferenceId: string | null
  set(running: boolean, inferenceId?: string | null): void
  track(event: {type: string; inference_id?: string; stop_reason?: string}): void
  scheduleCheck(): void
}

function tracker(): {run: Tracker; asked: () => number; changes: boolean[]} {
  let asked = 0
  const changes: boolean[] = []
  const api = {conversation: () => (asked++, Promise.resolve({running: false}))}
  const run = new RunState({api, convId: () => 'c1', onChange: (running: boolean) => changes.push(running)}) as Tracker
  return {run, asked: () => asked, changes}
}

afterEach(() => {
  vi.useRealTimers()
})

describe('RunState', () => {
  it('runs from the first frame of a run to its run.finished, through finals and a cancel', () => {
    const {run} = tracker()
    run.track({type: 'user.message', inference_id: 'inf_1'})
    expect(run.running).toBe(true)
    run.track({type: 'llm.final', inference_id: 'inf_1', stop_reason: 'stop'})
    run.track({type: 'run.cancelled', inference_id: 'inf_1'})
    expect(run.running).toBe(true)
    run.track({type: 'run.finished', inference_id: 'inf_1'})
    expect(run.running).toBe(false)
  })

  it('never polls while a run is going', () => {
    vi.useFakeTimers()
    const {run, asked} = tracker()
    run.set(true, 'inf_1')
    run.track({type: 'llm.start', inference_id: 'inf_1'})
    run.track({type: 'llm.final', inference_id: 'inf_1', stop_reason: 'tool_calls'})
    run.track({type: 'tool.done', inference_id: 'inf_1'})
    vi.advanceTimersByTime(60_000)
    expect(asked()).toBe(0)
    expect(run.running).toBe(true)
  })

  it('stays idle when the POST /chat answer arrives after the run already finished', () => {
    const {run} = tracker()
    run.track({type: 'llm.start', inference_id: 'inf_2'})
    run.track({type: 'run.finished', inference_id: 'inf_2'})
    run.set(true, 'inf_2')
    expect(run.running).toBe(false)
    run.set(true, 'inf_3')
    expect(run.running).toBe(true)
  })
})
