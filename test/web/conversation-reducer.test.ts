import {describe, expect, it} from 'vitest'
// @ts-expect-error plain JS module of the page (typecheck:web checks it against page.d.ts)
import * as reducer from '../../web/conversation-reducer.js'
import type {ConversationState, PageEvent, ReduceFrame, ViewAction} from '../../web/page.js'

const {reduceFrame, initialConversationState} = reducer as {reduceFrame: ReduceFrame; initialConversationState(): ConversationState}

/** The page's one frame reducer, in Node: frames in, the conversation state and what to show out. */
type Frame = PageEvent
const base = {conv_id: 'c1', inference_id: 'inf_1'}
let seq = 0
const f = <T extends Frame>(frame: Omit<T, 'seq' | 'conv_id'> & Partial<Pick<T, 'conv_id'>>): T =>
  ({...base, ...frame, seq: ++seq}) as unknown as T

function feed(frames: Frame[], from: ConversationState = initialConversationState()): {state: ConversationState; actions: ViewAction[]} {
  let state = from
  const actions: ViewAction[] = []
  for (const frame of frames) {
    const out = reduceFrame(state, frame)
    state = out.state
    actions.push(...out.actions)
  }
  return {state, actions}
}

const paused = (pauseId: string, phase: 'after_inference' | 'after_tools' = 'after_inference') =>
  f({
    type: 'step.paused',
    id: pauseId,
    pause_id: pauseId,
    phase,
    tool_calls: [
      {id: 'call_1', name: 'calc', args: {}},
      {id: 'call_2', name: 'clock', args: {}},
    ],
    deadline: '2030-01-01T00:00:00Z',
  } as never)
const finished = (status: string) => f({type: 'run.finished', id: 'inf_1', status, duration_ms: 3} as never)

describe('conversation reducer', () => {
  it('a run goes from its first frame to its run.finished; a frame of no run does not end it', () => {
    let {state} = feed([f({type: 'user.message', id: 'blk_1', text: 'hi'} as never)])
    expect(state.running).toBe('inf_1')
    expect(state.hasRuns).toBe(true)
    ;({state} = feed([f({type: 'conversation.rebuilt', id: 'evt_r', inference_id: undefined, record: {}} as never)], state))
    expect(state.running).toBe('inf_1')
    ;({state} = feed([finished('completed')], state))
    expect(state.running).toBeNull()
    expect(state.finished.has('inf_1')).toBe(true)
  })

  it('the prompt comes from user.message, at its seq, in its run', () => {
    const {actions} = feed([f({type: 'user.message', id: 'blk_1', text: 'what is 2+3?'} as never)])
    expect(actions).toEqual([{type: 'prompt', run: 'inf_1', seq: seq, text: 'what is 2+3?'}])
  })

  it('a rebuild before any run shows nothing; after a run it is placed by its own seq', () => {
    const first = feed([f({type: 'conversation.rebuilt', id: 'evt_1', inference_id: undefined, record: {}} as never)])
    expect(first.actions).toEqual([])
    const later = feed(
      [
        f({type: 'user.message', id: 'b', text: 'x'} as never),
        finished('completed'),
        f({type: 'conversation.rebuilt', id: 'evt_2', inference_id: undefined, record: {reason: 'profile'}} as never),
      ],
      first.state,
    )
    const rebuild = later.actions.find((a) => a.type === 'rebuild')
    expect(rebuild).toMatchObject({type: 'rebuild', run: null, seq})
  })

  it('skip and deny mark the proposed tool calls of the pause they answer; continue does not', () => {
    for (const [action, outcome] of [
      ['skip', 'skipped'],
      ['deny', 'denied'],
    ] as const) {
      const {actions, state} = feed([
        paused(`p_${action}`),
        f({type: 'step.resumed', id: `p_${action}`, pause_id: `p_${action}`, action, timed_out: false} as never),
      ])
      expect(actions.filter((a) => a.type === 'tool-outcome')).toEqual([
        {type: 'tool-outcome', id: 'call_1', outcome},
        {type: 'tool-outcome', id: 'call_2', outcome},
      ])
      expect(state.pauses.size).toBe(0)
    }
    const cont = feed([paused('p_c'), f({type: 'step.resumed', id: 'p_c', pause_id: 'p_c', action: 'continue', timed_out: false} as never)])
    expect(cont.actions.some((a) => a.type === 'tool-outcome')).toBe(false)
    // After tools ran, a skip says nothing about them.
    const after = feed([
      paused('p_a', 'after_tools'),
      f({type: 'step.resumed', id: 'p_a', pause_id: 'p_a', action: 'skip', timed_out: false} as never),
    ])
    expect(after.actions.some((a) => a.type === 'tool-outcome')).toBe(false)
  })

  it('run.finished closes a pause nobody answered (also on replay), and only that run’s', () => {
    const {actions, state} = feed([paused('p_open'), f({type: 'run.cancelled', id: 'inf_1', text: ''} as never), finished('cancelled')])
    expect(actions.filter((a) => a.type === 'pause-closed')).toEqual([{type: 'pause-closed', id: 'p_open', status: 'cancelled'}])
    expect(state.pauses.size).toBe(0)
    // A pause the server closed itself (step.resumed cancelled) is not closed twice.
    const wire = feed([
      paused('p_w'),
      f({type: 'step.resumed', id: 'p_w', pause_id: 'p_w', action: 'cancelled', timed_out: false} as never),
      finished('cancelled'),
    ])
    expect(wire.actions.filter((a) => a.type === 'pause-closed')).toEqual([])
  })

  it('thinking belongs to its message; the answer streaming ends it', () => {
    const {actions} = feed([
      f({type: 'llm.thinking.start', id: 'msg_1:thinking', role: 'thinking', metadata: {}} as never),
      f({type: 'llm.start', id: 'msg_1', role: 'assistant', metadata: {}} as never),
      f({type: 'llm.delta', id: 'msg_1', delta: 'a', cumulative: 'a', metadata: {}} as never),
    ])
    expect(actions.map((a) => a.type)).toEqual(['thinking', 'assistant', 'assistant', 'thinking-over'])
    expect(actions[0]).toMatchObject({owner: 'msg_1'})
    expect(actions[3]).toEqual({type: 'thinking-over', id: 'msg_1:thinking'})
  })

  it('an error names its code once; a server.notice goes to the page, not to a run', () => {
    const {actions, state} = feed([
      f({type: 'run.error', id: 'inf_1', message: 'overloaded (overloaded_error)', code: 'overloaded_error'} as never),
      {type: 'server.notice', id: 'n', conv_id: 'c1', server_time: 1, level: 'info', kind: 'recovered', message: 'ok'} as never,
    ])
    expect(actions[0]).toMatchObject({type: 'run-stopped', how: 'failed', detail: 'overloaded (overloaded_error)'})
    expect(actions[1]).toMatchObject({type: 'server-notice'})
    expect(state.running).toBe('inf_1')
  })

  it('a frame type it does not know becomes a debug line in its run', () => {
    const {actions} = feed([f({type: 'brand.new', id: 'x'} as never)])
    expect(actions).toEqual([
      {type: 'log', run: 'inf_1', seq, event: {level: 'debug', message: 'unhandled frame type brand.new', fields: {}}},
    ])
  })
})
