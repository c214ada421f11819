import type {Event} from '../../core/index.js'
import type {Projection} from './chat-projector.js'
import type {ChatTimeline} from './chat-timeline.js'
import {toolResultEntityIdOf} from './message-ids.js'
import type {RunState} from './run-state.js'
import {stepPauseRequest, stepPauseResult} from './step-pause-tool.js'
import type {CorrelationInfo, EntityPayload} from './wire/index.js'

type ToolEvent = Extract<
  Event,
  {type: 'tool-call' | 'tool-call-execute' | 'tool-result' | 'tool-call-execution-result' | 'agent-mode' | 'step-paused' | 'step-resumed'}
>

/** Tool calls (pinocchio's toolcall plugin), agent mode (its agentmode plugin) and step pauses (as frontend tools). */
export function projectToolEvent(
  event: ToolEvent,
  run: RunState,
  timeline: ChatTimeline,
  correlate: (extra?: Partial<CorrelationInfo>) => CorrelationInfo,
): Projection {
  switch (event.type) {
    case 'tool-call': {
      const call = event.tool_call
      const fields = {messageId: run.root, toolCallId: call.id, toolName: call.name}
      const correlation = correlate({toolCallId: call.id})
      const input = JSON.stringify(call.args)
      return {
        uiEvents: [
          {name: 'ChatToolCallStarted', payload: {...fields, status: 'pending', correlation}},
          {name: 'ChatToolCallRequested', payload: {...fields, input, status: 'pending', correlation}},
        ],
        entities: [{kind: 'ChatToolCall', id: call.id, payload: {...fields, input, status: 'pending', correlation}}],
      }
    }
    case 'tool-call-execute': {
      const call = event.tool_call
      const payload = {
        messageId: run.root,
        toolCallId: call.id,
        toolName: call.name,
        input: JSON.stringify(call.args),
        executing: true,
        status: 'executing',
        correlation: correlate({toolCallId: call.id}),
      }
      return {uiEvents: [{name: 'ChatToolExecutionStarted', payload}], entities: [{kind: 'ChatToolCall', id: call.id, payload}]}
    }
    case 'tool-result':
    case 'tool-call-execution-result': {
      const r = event.tool_result
      const call = timeline.get('ChatToolCall', r.id)?.payload as EntityPayload<'ChatToolCall'> | undefined
      const toolName = call?.toolName ?? ''
      const status = r.error !== undefined ? 'error' : 'success'
      const correlation = correlate({toolCallId: r.id})
      const result = r.error !== undefined ? r.error : JSON.stringify(r.result ?? null)
      const fields = {messageId: run.root, toolCallId: r.id, ...(toolName !== '' ? {toolName} : {})}
      const finished = r.error !== undefined ? 'error' : 'completed'
      return {
        uiEvents: [
          {name: 'ChatToolResultReady', payload: {...fields, result, status, correlation}},
          {name: 'ChatToolCallFinished', payload: {...fields, status: finished, correlation}},
        ],
        entities: [
          {kind: 'ChatToolResult', id: toolResultEntityIdOf(r.id), payload: {...fields, result, status, correlation}},
          {kind: 'ChatToolCall', id: r.id, payload: {...call, ...fields, executing: false, status: finished, correlation}},
        ],
      }
    }
    case 'agent-mode': {
      const from = typeof event.data.from === 'string' ? event.data.from : ''
      const to = typeof event.data.to === 'string' ? event.data.to : event.mode
      const analysis = typeof event.data.analysis === 'string' ? event.data.analysis : ''
      const payload = {
        messageId: run.root,
        title: event.message,
        ...(from !== '' ? {from} : {}),
        to,
        ...(analysis !== '' ? {analysis} : {}),
      }
      return {uiEvents: [{name: 'ChatAgentModeCommitted', payload}], entities: [{kind: 'AgentMode', id: run.root, payload}]}
    }
    case 'step-paused': {
      const request = stepPauseRequest(run.root, event)
      return {
        uiEvents: [{name: 'ChatFrontendToolCallRequested', payload: request.event}],
        entities: [{kind: 'ChatFrontendToolCall', id: event.pause_id, payload: request.entity}],
      }
    }
    case 'step-resumed': {
      const existing = timeline.get('ChatFrontendToolCall', event.pause_id)?.payload as EntityPayload<'ChatFrontendToolCall'> | undefined
      const result = stepPauseResult(run.root, event, existing)
      return {
        uiEvents: [{name: 'ChatFrontendToolResultReceived', payload: result.event}],
        entities: [{kind: 'ChatFrontendToolCall', id: event.pause_id, payload: result.entity}],
      }
    }
    default: {
      const _exhaustive: never = event
      return _exhaustive
    }
  }
}
