import {describe, expect, it} from 'vitest'
import {EVENT_TYPES, EventSchema} from '../../src/core/index.js'
import {buildFrame, SEM_FRAME_TYPES} from '../../src/sem/frames.js'
import {decodeEvent, StreamingMessage} from '../../src/core/index.js'
import {inRun} from '../core/helpers.js'
import {frameCount, translateEvent} from '../../src/sem/translator.js'
import {ALL_SAMPLE_EVENTS, sampleEvent} from './sample-events.js'

describe('translateEvent', () => {
  it('translates every core event type to at least one frame, and frameCount agrees', () => {
    expect(ALL_SAMPLE_EVENTS.map((e) => e.type)).toEqual(EVENT_TYPES)
    for (const event of ALL_SAMPLE_EVENTS) {
      expect(EventSchema.safeParse(event).success).toBe(true)
      const frames = translateEvent(event)
      expect(frames.length, event.type).toBeGreaterThan(0)
      expect(frameCount(event), event.type).toBe(frames.length)
      for (const f of frames) expect(SEM_FRAME_TYPES).toContain(f.type)
    }
  })

  it('is deterministic: the same event gives the same frames', () => {
    for (const event of ALL_SAMPLE_EVENTS) expect(translateEvent(event)).toEqual(translateEvent(structuredClone(event)))
  })

  it('uses message_id for llm frames, a thinking id, and the call id for tool frames', () => {
    expect(translateEvent(sampleEvent('start'))[0]).toMatchObject({
      type: 'llm.start',
      id: 'msg_1',
      conv_id: 'conv_1',
      inference_id: 'inf_1',
      role: 'assistant',
      model: 'mock-1',
      metadata: {model: 'mock-1'},
    })
    expect(translateEvent(sampleEvent('partial'))[0]).toMatchObject({type: 'llm.delta', id: 'msg_1', delta: 'lo', cumulative: 'hello'})
    expect(translateEvent(sampleEvent('final'))[0]).toMatchObject({type: 'llm.final', id: 'msg_1', text: 'hello', stop_reason: 'stop'})
    expect(translateEvent(sampleEvent('partial-thinking')).map((f) => [f.type, f.id])).toEqual([
      ['llm.thinking.start', 'msg_1:thinking'],
      ['llm.thinking.delta', 'msg_1:thinking'],
    ])
    expect(translateEvent(sampleEvent('tool-call'))[0]).toMatchObject({
      type: 'tool.start',
      id: 'call_1',
      name: 'calc',
      input: {expression: '1+1'},
    })
    expect(translateEvent(sampleEvent('tool-call-execute'))[0]).toMatchObject({
      type: 'tool.delta',
      id: 'call_1',
      patch: {status: 'executing', exec: true, input: {expression: '1+1'}},
    })
    expect(translateEvent(sampleEvent('tool-call-execution-result')).map((f) => f.type)).toEqual(['tool.result', 'tool.done'])
    expect(translateEvent(sampleEvent('tool-result'))[0]).toMatchObject({type: 'tool.result', id: 'call_1', result: {value: 2}})
    expect(translateEvent(sampleEvent('interrupt'))[1]).toMatchObject({type: 'run.cancelled', id: 'inf_1', text: 'hel'})
    expect(translateEvent(sampleEvent('error'))[0]).toMatchObject({type: 'run.error', message: 'boom', code: 'overloaded_error'})
    expect(translateEvent(sampleEvent('info'))).toEqual([
      {type: 'run.info', id: expect.any(String), conv_id: 'conv_1', inference_id: 'inf_1', message: 'note', data: {b: 2}},
    ])
    expect(translateEvent(sampleEvent('log'))[0]).toMatchObject({type: 'log', level: 'warn', message: 'careful', fields: {a: 1}})
    expect(translateEvent(sampleEvent('step-paused'))[0]).toMatchObject({type: 'step.paused', id: 'pause_1', phase: 'after_inference'})
    expect(translateEvent(sampleEvent('step-resumed'))[0]).toMatchObject({type: 'step.resumed', id: 'pause_1', action: 'continue'})
    expect(translateEvent(sampleEvent('agent-mode'))[0]).toMatchObject({type: 'agent.mode', mode: 'research', title: 'switching'})
  })

  it("gives llm.final pinocchio's metadata and the same fields top level", () => {
    const final = {
      ...sampleEvent('final'),
      meta: {...sampleEvent('final').meta, model: 'm', usage: {input_tokens: 2, output_tokens: 3}, duration_ms: 40},
    }
    const metadata = {model: 'm', usage: {input_tokens: 2, output_tokens: 3}, duration_ms: 40, stop_reason: 'stop'}
    expect(translateEvent(final)).toEqual([
      {type: 'llm.final', id: 'msg_1', conv_id: 'conv_1', inference_id: 'inf_1', text: 'hello', ...metadata, metadata},
    ])
    expect(translateEvent(sampleEvent('partial'))[0]).toMatchObject({metadata: {}})
    expect(translateEvent(sampleEvent('partial-thinking'))[0]).toMatchObject({role: 'thinking', metadata: {}})
  })

  it('closes the open message of a cancelled or failed run with llm.final (partial text) before run.cancelled / run.error', () => {
    const interrupt = sampleEvent('interrupt')
    expect(translateEvent(interrupt).map((f) => f.type)).toEqual(['llm.final', 'run.cancelled'])
    expect(translateEvent(interrupt)[0]).toMatchObject({
      id: 'msg_1',
      text: 'hel',
      stop_reason: 'cancelled',
      metadata: {stop_reason: 'cancelled'},
    })
    const noMessage = {...interrupt, meta: {...interrupt.meta, message_id: undefined}}
    expect(translateEvent(noMessage).map((f) => f.type)).toEqual(['run.cancelled'])
    expect(frameCount(noMessage)).toBe(1)

    const error = sampleEvent('error')
    expect(translateEvent(error).map((f) => f.type)).toEqual(['run.error'])
    const failedMidMessage = {...error, text: 'Starting', meta: {...error.meta, message_id: 'msg_1', model: 'mock-1'}}
    expect(translateEvent(failedMidMessage).map((f) => f.type)).toEqual(['llm.final', 'run.error'])
    expect(translateEvent(failedMidMessage)[0]).toMatchObject({
      id: 'msg_1',
      text: 'Starting',
      metadata: {model: 'mock-1', stop_reason: 'error'},
    })
    expect(frameCount(failedMidMessage)).toBe(2)
    // geppetto's and v1's errors carry no partial text: they close nothing.
    expect(translateEvent({...error, meta: {...error.meta, message_id: 'msg_1'}}).map((f) => f.type)).toEqual(['run.error'])
  })

  it("maps run-finished to run.finished and agent-mode to pinocchio's title + data {title, from, to, analysis}", () => {
    expect(translateEvent(sampleEvent('run-finished'))).toEqual([
      {
        type: 'run.finished',
        id: 'inf_1',
        conv_id: 'conv_1',
        inference_id: 'inf_1',
        status: 'completed',
        stop_reason: 'stop',
        usage: {input_tokens: 3, output_tokens: 5},
        duration_ms: 12,
      },
    ])
    const mode = {...sampleEvent('agent-mode'), data: {from: 'chat', to: 'research', analysis: 'needs sources'}}
    expect(translateEvent(mode)[0]).toMatchObject({
      type: 'agent.mode',
      title: 'switching',
      data: {title: 'switching', from: 'chat', to: 'research', analysis: 'needs sources'},
      from: 'chat',
      to: 'research',
    })
  })

  it('a later thinking chunk makes one frame; a tool error is carried', () => {
    const later = {...sampleEvent('partial-thinking'), delta: 'm', completion: 'hmm'}
    expect(translateEvent(later).map((f) => f.type)).toEqual(['llm.thinking.delta'])
    expect(frameCount(later)).toBe(1)
    const failed = {...sampleEvent('tool-call-execution-result'), tool_result: {id: 'call_1', result: null, error: 'nope'}}
    expect(translateEvent(failed)[0]).toMatchObject({type: 'tool.result', result: null, error: 'nope'})
  })

  it('maps thinking-ended, conversation-rebuilt and user-prompt to thinking.final, conversation.rebuilt and user.message', () => {
    expect(translateEvent(sampleEvent('thinking-ended'))[0]).toMatchObject({type: 'llm.thinking.final', id: 'msg_1:thinking', text: 'hm'})
    expect(translateEvent(sampleEvent('conversation-rebuilt'))[0]).toMatchObject({type: 'conversation.rebuilt', record: {reason: 'x'}})
    const prompt = sampleEvent('user-prompt')
    expect(translateEvent(prompt)).toEqual([expect.objectContaining({type: 'user.message', id: 'blk_1', text: 'hi there'})])
    expect(frameCount(prompt)).toBe(1)
  })

  it('reads the v1 info forms of those events (old fixtures) as the typed events', () => {
    const base = {meta: {id: 'evt_1', session_id: 'c', inference_id: 'i', turn_id: 't', message_id: 'msg_1'}}
    const v1 = [
      {type: 'info', message: 'thinking-ended', data: {text: 'hm'}, ...base},
      {type: 'info', message: 'user-prompt', data: {text: 'hi', block_id: 'blk_9'}, ...base},
      {type: 'info', message: 'conversation-rebuilt', data: {reason: 'x'}, ...base},
      {type: 'info', message: 'something else', data: {}, ...base},
    ].map((e) => decodeEvent(JSON.stringify(e)))
    expect(v1.map((d) => (d.ok ? d.event.type : d.error.message))).toEqual([
      'thinking-ended',
      'user-prompt',
      'conversation-rebuilt',
      'info',
    ])
    const frames = v1.flatMap((d) => (d.ok ? translateEvent(d.event) : []))
    expect(frames.map((f) => f.type)).toEqual(['llm.thinking.final', 'user.message', 'conversation.rebuilt', 'run.info'])
    expect(frames[1]).toMatchObject({id: 'blk_9', text: 'hi'})
  })
})

describe('buildFrame', () => {
  it('writes the cursor into the frame and serializes once', () => {
    const [body] = translateEvent(sampleEvent('partial'))
    const built = buildFrame(body!, {seq: 7, stream_id: '1-0'})
    expect(built.seq).toBe(7)
    expect(JSON.parse(built.json)).toEqual({sem: true, event: {...body, seq: 7, stream_id: '1-0'}})
    expect(built.frame.event.seq).toBe(7)
    const noStream = buildFrame(body!, {seq: 1})
    expect('stream_id' in noStream.frame.event).toBe(false)
  })

  it('a model that thinks first gets its thinking frames before llm.start (issue 24 item 15); one that answers gets llm.start first', async () => {
    const framesOf = async (stream: (m: StreamingMessage) => void) => {
      const {events} = await inRun(async () => {
        const m = new StreamingMessage('m1')
        m.start()
        stream(m)
        m.finish()
      })
      return events.flatMap((e) => translateEvent(e)).map((f) => f.type)
    }
    expect(
      await framesOf((m) => {
        m.thinkingDelta('hmm')
        m.thinkingDelta(' ok')
        m.textDelta('Hi')
      }),
    ).toEqual([
      'llm.thinking.start',
      'llm.thinking.delta',
      'llm.start',
      'llm.thinking.delta',
      'llm.thinking.final',
      'llm.delta',
      'llm.final',
    ])
    expect(await framesOf((m) => m.textDelta('Hi'))).toEqual(['llm.start', 'llm.delta', 'llm.final'])
  })
})
