/** The page's RunState (web/run-state.js) fed by the frame reducer: frames alone say when a run is going; nothing polls. */
import {afterEach, describe, expect, it, vi} from 'vitest'
// @ts-expect-error plain JS modules of the page (typecheck:web checks them against page.d.ts)
import * as reducer from '../../web/conversation-reducer.js'
// @ts-expect-error plain JS module of the page
import {RunState} from '../../web/run-state.js'
import type {ConversationState, PageEvent, ReduceFrame} from '../../web/page.js'

const {reduceFrame, initialConversationState} = reducer as {reduceFrame: ReduceFrame; initialConversationState(): ConversationState}

interface Tracker {
  running: boolean
  inferenceId: string | null
  set(running: boolean, inferenceId?: string | null): void
  observe(state: ConversationState): void
  scheduleCheck(): void
}

function tracker(): {run: Tracker; asked: () => number; changes: boolean[]; track: (frame: Record<string, unknown>) => void} {
  let asked = 0
  const changes: boolean[] = []
  const api = {conversation: () => (asked++, Promise.resolve({running: false}))}
  const run = new RunState({api, convId: () => 'c1', onChange: (running: boolean) => changes.push(running)}) as Tracker
  let state = initialConversationState()
  let seq = 0
  const track = (frame: Record<string, unknown>) => {
    state = reduceFrame(state, {id: 'x', conv_id: 'c1', seq: ++seq, ...frame} as unknown as PageEvent).state
    run.observe(state)
  }
  return {run, asked: () => asked, changes, track}
}

afterEach(() => {
  vi.useRealTimers()
})

describe('RunState', () => {
  it('runs from the first frame of a run to its run.finished, through finals and a cancel', () => {
    const {run, track} = tracker()
    track({type: 'user.message', inference_id: 'inf_1', text: 'hi'})
    expect(run.running).toBe(true)
    track({type: 'llm.final', inference_id: 'inf_1', stop_reason: 'stop', text: ''})
    track({type: 'run.cancelled', inference_id: 'inf_1', text: ''})
    expect(run.running).toBe(true)
    track({type: 'run.finished', inference_id: 'inf_1', status: 'cancelled'})
    expect(run.running).toBe(false)
  })

  it('never polls while a run is going', () => {
    vi.useFakeTimers()
    const {run, asked, track} = tracker()
    run.set(true, 'inf_1')
    track({type: 'llm.start', inference_id: 'inf_1'})
    track({type: 'llm.final', inference_id: 'inf_1', stop_reason: 'tool_calls', text: ''})
    track({type: 'tool.done', inference_id: 'inf_1'})
    vi.advanceTimersByTime(60_000)
    expect(asked()).toBe(0)
    expect(run.running).toBe(true)
  })

  it('a frame of no run (a rebuild) does not end the run a POST just started', () => {
    const {run, track} = tracker()
    track({type: 'user.message', inference_id: 'inf_0', text: 'first'})
    track({type: 'run.finished', inference_id: 'inf_0', status: 'completed'})
    run.set(true, 'inf_1')
    track({type: 'conversation.rebuilt', record: {}})
    expect(run.running).toBe(true)
  })

  it('stays idle when the POST /chat answer arrives after the run already finished', () => {
    const {run, track} = tracker()
    track({type: 'llm.start', inference_id: 'inf_2'})
    track({type: 'run.finished', inference_id: 'inf_2', status: 'completed'})
    run.set(true, 'inf_2')
    expect(run.running).toBe(false)
    run.set(true, 'inf_3')
    expect(run.running).toBe(true)
  })
})
