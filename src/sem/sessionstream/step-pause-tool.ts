import type {Event} from '../../core/index.js'
import type {EntityPayload, UiEventPayload} from './wire/index.js'

/**
 * Step pauses as pinocchio's nearest thing, a HUMAN-mode frontend tool: a pause is a
 * `ChatFrontendToolCallRequested` for the tool `jiminy.step_decision` whose `toolCallId` is the
 * pause id and whose input is `{phase, toolCalls, deadline}`; the browser answers through
 * `POST /api/chat/sessions/{id}/tools/results` with `{toolCallId: pause_id, result: {action}}`
 * (continue | skip | deny), and the resume is `ChatFrontendToolResultReceived`.
 */
export const STEP_DECISION_TOOL = 'jiminy.step_decision'

type Paused = Extract<Event, {type: 'step-paused'}>
type Resumed = Extract<Event, {type: 'step-resumed'}>

export function stepPauseRequest(
  root: string,
  event: Paused,
): {event: UiEventPayload<'ChatFrontendToolCallRequested'>; entity: EntityPayload<'ChatFrontendToolCall'>} {
  const input = {
    phase: event.phase,
    toolCalls: event.tool_calls.map((c) => ({id: c.id, name: c.name, args: c.args})),
    deadline: event.deadline,
    actions: ['continue', 'skip', 'deny'],
  }
  return {
    event: {
      messageId: root,
      toolCallId: event.pause_id,
      toolName: STEP_DECISION_TOOL,
      input,
      mode: 'TOOL_EXECUTION_MODE_FRONTEND_HUMAN',
      status: 'requested',
    },
    entity: {
      toolCallId: event.pause_id,
      toolName: STEP_DECISION_TOOL,
      parentMessageId: root,
      mode: 'TOOL_EXECUTION_MODE_FRONTEND_HUMAN',
      status: 'requested',
      input,
    },
  }
}

export function stepPauseResult(
  root: string,
  event: Resumed,
  existing: EntityPayload<'ChatFrontendToolCall'> | undefined,
): {event: UiEventPayload<'ChatFrontendToolResultReceived'>; entity: EntityPayload<'ChatFrontendToolCall'>} {
  const result = {action: event.action, timedOut: event.timed_out}
  return {
    event: {messageId: root, toolCallId: event.pause_id, toolName: STEP_DECISION_TOOL, result, status: 'success'},
    entity: {
      ...existing,
      toolCallId: event.pause_id,
      toolName: STEP_DECISION_TOOL,
      parentMessageId: root,
      mode: 'TOOL_EXECUTION_MODE_FRONTEND_HUMAN',
      status: 'success',
      result,
    },
  }
}
