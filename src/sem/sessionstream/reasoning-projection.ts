import type {Event} from '../../core/index.js'
import type {Projection, ProjectedUiEvent} from './chat-projector.js'
import type {RunState} from './run-state.js'
import {appendToSegment} from './run-state.js'
import type {CorrelationInfo} from './wire/index.js'

type ReasoningEvent = Extract<Event, {type: 'partial-thinking' | 'thinking-ended'}>

/** Thinking streams as pinocchio's reasoning plugin projects them: `{root}:thinking:{n}` segments of role `thinking`. */
export function projectReasoningEvent(
  event: ReasoningEvent,
  run: RunState,
  correlate: (extra?: Partial<CorrelationInfo>) => CorrelationInfo,
): Projection {
  const coreMessageId = event.meta.message_id ?? event.meta.id
  switch (event.type) {
    case 'partial-thinking': {
      const {segment, opened} = run.thinkingOf(coreMessageId)
      const cursor = appendToSegment(segment, event.delta)
      const base = {messageId: segment.messageId, parentMessageId: run.root, role: 'thinking'}
      const correlation = correlate({providerCallId: coreMessageId, segmentId: segment.messageId})
      const patch: ProjectedUiEvent = {
        name: 'ChatReasoningPatch',
        payload: {
          ...base,
          streamId: segment.messageId,
          ...cursor,
          text: event.delta,
          mode: 'CHAT_STREAM_PATCH_MODE_APPEND',
          status: 'streaming',
          correlation,
        },
      }
      return {
        uiEvents: opened
          ? [{name: 'ChatReasoningSegmentStarted', payload: {...base, status: 'streaming', streaming: true, correlation}}, patch]
          : [patch],
        entities: [
          {
            kind: 'ChatMessage',
            id: segment.messageId,
            payload: {
              ...base,
              text: segment.text,
              content: segment.text,
              status: 'streaming',
              streaming: true,
              segmentType: 'reasoning',
              correlation,
            },
          },
        ],
      }
    }
    case 'thinking-ended': {
      const {segment} = run.thinkingOf(coreMessageId)
      segment.text = event.text
      const base = {
        messageId: segment.messageId,
        parentMessageId: run.root,
        role: 'thinking',
        text: event.text,
        content: event.text,
        status: 'finished',
      }
      const correlation = correlate({providerCallId: coreMessageId, segmentId: segment.messageId})
      return {
        uiEvents: [{name: 'ChatReasoningSegmentFinished', payload: {...base, correlation}}],
        entities: [{kind: 'ChatMessage', id: segment.messageId, payload: {...base, final: true, segmentType: 'reasoning', correlation}}],
      }
    }
    default: {
      const _exhaustive: never = event
      return _exhaustive
    }
  }
}
