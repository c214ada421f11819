import {createServer, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {afterEach, describe, expect, it} from 'vitest'
import type {Event, RunStatus} from '../../../src/core/index.js'
import {MAX_PACKED_EVENTS, RunEventLog} from '../../../src/conversation/run-event-log.js'
import {sendRunAsUIMessageStream, type UIMessageStreamOptions} from '../../../src/webchat/ui-message-stream/ui-message-stream.js'

const meta = (extra: Partial<Event['meta']> = {}): Event['meta'] => ({
  id: 'evt',
  session_id: 'conv-u',
  inference_id: 'inf_u',
  turn_id: 'turn_u',
  message_id: 'msg_u',
  ...extra,
})
const call = {id: 'call_u', name: 'calc', args: {expression: '1+1'}}
const ev = {
  start: {type: 'start', meta: meta()} as Event,
  hi: {type: 'partial', meta: meta(), delta: 'Hi', completion: 'Hi'} as Event,
  final: {type: 'final', meta: meta(), text: 'Hi'} as Event,
  paused: {type: 'step-paused', meta: meta(), pause_id: 'p1', phase: 'after_inference', tool_calls: [call], deadline: 'x'} as Event,
  resumed: {type: 'step-resumed', meta: meta(), pause_id: 'p1', action: 'continue', timed_out: false} as Event,
  result: {type: 'tool-call-execution-result', meta: meta(), tool_result: {id: call.id, result: 2}} as Event,
  finished: {type: 'run-finished', meta: meta(), status: 'completed', duration_ms: 1} as Event,
}

let server: Server | undefined
afterEach(() => server?.close())

/** Streams `log`'s run over a real HTTP response; returns the chunks' types (and `[DONE]`) as the client reads them. */
async function stream(
  log: RunEventLog,
  options: UIMessageStreamOptions & {settled?: Promise<{status: RunStatus}>} = {},
  whileOpen: () => void = () => undefined,
): Promise<string[]> {
  server = createServer((_req, res: ServerResponse) => {
    sendRunAsUIMessageStream(
      res,
      {convId: 'conv-u', inferenceId: 'inf_u', runEvents: log, settled: options.settled ?? new Promise(() => undefined)},
      options,
    )
    whileOpen()
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  const text = await res.text()
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => (e === 'data: [DONE]' ? '[DONE]' : (JSON.parse(e.slice(6)) as {type: string}).type))
}

describe('sendRunAsUIMessageStream', () => {
  it('replays from the start, then ends at an open approval pause', async () => {
    const log = new RunEventLog()
    for (const e of [ev.start, ev.hi, ev.final, ev.paused]) log.record(e, 1)
    expect(await stream(log)).toEqual([
      'start',
      'start-step',
      'text-start',
      'text-delta',
      'text-end',
      'finish-step',
      'tool-approval-request',
      'finish',
      '[DONE]',
    ])
  })

  it('answering a pause the reader has not consumed yet skips to it, never replaying the run twice', async () => {
    const log = new RunEventLog()
    log.record(ev.start, 1)
    const types = await stream(log, {afterPause: 'p1'}, () => {
      for (const e of [ev.hi, ev.final, ev.paused, ev.resumed, ev.result, ev.finished]) log.record(e, 2)
    })
    expect(types).toEqual(['start', 'tool-output-available', 'finish', '[DONE]'])
  })

  it('closes a stream whose run-finished never arrives, after the grace period', async () => {
    const log = new RunEventLog()
    for (const e of [ev.start, ev.hi]) log.record(e, 1)
    const types = await stream(log, {settled: Promise.resolve({status: 'completed'}), settleGraceMs: 10})
    expect(types).toEqual(['start', 'start-step', 'text-start', 'text-delta', 'finish', '[DONE]'])
  })

  it('never sends the end of a part it did not start', async () => {
    const log = new RunEventLog()
    for (const e of [ev.start, {type: 'final', meta: meta(), text: 'revised'} as Event, ev.finished]) log.record(e, 1)
    expect(await stream(log)).toEqual(['start', 'start-step', 'finish-step', 'finish', '[DONE]'])
  })

  it('refuses (writes nothing) when the run outgrew the log', () => {
    const log = new RunEventLog(1)
    log.record(ev.start, 1)
    log.record(ev.hi, 2)
    const res = {writeHead: () => expect.fail('wrote headers')} as unknown as ServerResponse
    expect(
      sendRunAsUIMessageStream(res, {convId: 'conv-u', inferenceId: 'inf_u', runEvents: log, settled: new Promise(() => undefined)}),
    ).toBe(false)
  })
})

describe('RunEventLog after a run ends', () => {
  const run = [ev.start, ev.hi, ev.final, ev.paused, ev.resumed, ev.result, ev.finished]

  it('keeps the finished run packed, gives back the same events, and a late stream replays what a live one sent', async () => {
    const live = new RunEventLog()
    for (const e of run.slice(0, -1)) live.record(e, 1)
    expect(live.held.packedBytes).toBe(0)
    const followed = await stream(live, {}, () => live.record(ev.finished, 2))
    expect(followed.at(-1)).toBe('[DONE]')

    const finished = new RunEventLog()
    run.forEach((e, i) => finished.record(e, i + 1))
    expect(finished.held).toMatchObject({events: run.length})
    expect(finished.held.packedBytes).toBeGreaterThan(0)
    expect(finished.held.packedBytes).toBeLessThan(JSON.stringify(run).length)
    expect(finished.eventsOf('inf_u')).toEqual(run.map((event, i) => ({event, seq: i + 1})))
    expect(await stream(finished)).toEqual(followed)
  })

  it('an event of the run after its end is kept with the others; the next run starts a new log', () => {
    const log = new RunEventLog()
    run.forEach((e) => log.record(e, 1))
    const late = {type: 'log', meta: meta(), level: 'info', message: 'late'} as Event
    log.record(late, 2)
    expect(log.eventsOf('inf_u')?.map((r) => r.event.type)).toEqual([...run, late].map((e) => e.type))
    expect(log.held.packedBytes).toBe(0)
    log.record({...ev.start, meta: meta({inference_id: 'inf_next'})} as Event, 3)
    expect(log.eventsOf('inf_u')).toBeUndefined()
    expect(log.eventsOf('inf_next')).toHaveLength(1)
  })
})

describe('RunEventLog packing bound', () => {
  it('leaves a run longer than MAX_PACKED_EVENTS as a list (packing is synchronous)', () => {
    const log = new RunEventLog()
    for (let i = 0; i < MAX_PACKED_EVENTS; i++) log.record(ev.hi, i + 1)
    log.record(ev.finished, MAX_PACKED_EVENTS + 1)
    expect(log.held).toEqual({events: MAX_PACKED_EVENTS + 1, packedBytes: 0})
    expect(log.eventsOf('inf_u')).toHaveLength(MAX_PACKED_EVENTS + 1)
  })
})
