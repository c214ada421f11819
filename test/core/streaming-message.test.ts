import {describe, expect, it} from 'vitest'
import {StreamingMessage} from '../../src/core/index.js'
import {inRun} from './helpers.js'

describe('StreamingMessage', () => {
  it('publishes start, cumulative partials, thinking-ended once, tool calls and a final with stop reason and usage', async () => {
    const {result: blocks, events} = await inRun(async () => {
      const m = new StreamingMessage('m1')
      m.thinkingDelta('hmm ')
      m.thinkingDelta('ok')
      m.textDelta('Hel')
      m.textDelta('lo')
      m.toolCall({id: 'call_1', name: 'calc', args: {expression: '1+1'}})
      return m.finish({stopReason: 'tool_calls', usage: {output_tokens: 3}})
    })
    // Thinking first: the thinking stream opens before the message's start (pinocchio's page shows them in arrival order).
    expect(events.map((e) => e.type)).toEqual([
      'partial-thinking',
      'start',
      'partial-thinking',
      'thinking-ended',
      'partial',
      'partial',
      'tool-call',
      'final',
    ])
    expect(events[3]).toMatchObject({type: 'thinking-ended', text: 'hmm ok'})
    expect(events[5]).toMatchObject({delta: 'lo', completion: 'Hello'})
    const messageIds = new Set(events.filter((e) => e.type !== 'tool-call').map((e) => e.meta.message_id))
    expect(messageIds.size).toBe(1)
    expect(events[6]!.meta.message_id).toBe('call_1')
    expect(events[7]).toMatchObject({text: 'Hello', meta: {stop_reason: 'tool_calls', usage: {output_tokens: 3}, model: 'm1'}})
    expect(blocks.map((b) => b.kind)).toEqual(['reasoning', 'llm_text', 'tool_call'])
  })

  it('ends thinking at finish when no text follows, and refuses to finish twice', async () => {
    const {events} = await inRun(async () => {
      const m = new StreamingMessage('m1')
      m.thinkingDelta('only thinking')
      m.finish()
      expect(() => m.finish()).toThrow(/already finished/)
    })
    expect(events.map((e) => e.type)).toEqual(['partial-thinking', 'start', 'thinking-ended', 'final'])
  })

  it('starts with the first text when the model does not think, and only once', async () => {
    const {events} = await inRun(async () => {
      const m = new StreamingMessage('m1')
      m.start()
      m.textDelta('Hi')
      m.textDelta(' there')
      m.finish()
    })
    expect(events.map((e) => e.type)).toEqual(['start', 'partial', 'partial', 'final'])
  })
})
