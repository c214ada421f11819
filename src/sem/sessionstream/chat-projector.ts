import type {Event} from '../../core/index.js'
import type {ChatTimeline} from './chat-timeline.js'
import {userMessageIdOf} from './message-ids.js'
import {appendToSegment, RunState, type OpenSegment} from './run-state.js'
import {projectReasoningEvent} from './reasoning-projection.js'
import {projectToolEvent} from './tool-projection.js'
import type {CorrelationInfo, EntityKind, EntityPayload, UiEventName, UiEventPayload} from './wire/index.js'

/** One uiEvent: pinocchio's event name and its payload (protojson fields, `@type` added by the frame builder). */
export type ProjectedUiEvent = {[N in UiEventName]: {readonly name: N; readonly payload: UiEventPayload<N>}}[UiEventName]
/** One timeline entity written by an event. */
export type ProjectedEntity = {[K in EntityKind]: {readonly kind: K; readonly id: string; readonly payload: EntityPayload<K>}}[EntityKind]

export interface Projection {
  readonly uiEvents: ProjectedUiEvent[]
  readonly entities: ProjectedEntity[]
}

const NOTHING: Projection = {uiEvents: [], entities: []}

/**
 * Projects jiminy's core run events onto pinocchio's Chat* events and timeline entities (what
 * pinocchio's runtime sink, base projections and reasoning/toolcall/agent-mode/frontend-tool
 * plugins do between them). The mapping is in docs/protocols.md; events with no pinocchio
 * counterpart (log, info, middleware-trace, conversation-rebuilt) project to nothing.
 *
 * `timeline` is read (never written) to merge an update into the entity it changes.
 */
export class ChatProjector {
  private run: RunState | undefined

  constructor(readonly sessionId: string) {}

  project(event: Event, timeline: ChatTimeline): Projection {
    switch (event.type) {
      case 'log':
      case 'info':
      case 'middleware-trace':
      case 'conversation-rebuilt':
        return NOTHING
      default:
        return this.projectRunEvent(event, this.runOf(event.meta.inference_id), timeline)
    }
  }

  private runOf(inferenceId: string): RunState {
    if (this.run?.inferenceId !== inferenceId) this.run = new RunState(inferenceId)
    return this.run
  }

  private correlation(run: RunState, extra: Partial<CorrelationInfo> = {}): CorrelationInfo {
    return {sessionId: this.sessionId, runId: run.root, ...extra}
  }

  private projectRunEvent(
    event: Exclude<Event, {type: 'log' | 'info' | 'middleware-trace' | 'conversation-rebuilt'}>,
    run: RunState,
    timeline: ChatTimeline,
  ): Projection {
    const m = event.meta
    const coreMessageId = m.message_id ?? m.id
    switch (event.type) {
      case 'user-prompt': {
        run.prompt = event.text
        const messageId = userMessageIdOf(run.root)
        const accepted = {messageId, role: 'user', text: event.text, content: event.text, status: 'accepted'}
        return {
          uiEvents: [
            {name: 'ChatUserMessageAccepted', payload: accepted},
            {name: 'ChatRunStarted', payload: {messageId: run.root, prompt: event.text, correlation: this.correlation(run)}},
          ],
          entities: [{kind: 'ChatMessage', id: messageId, payload: accepted}],
        }
      }
      case 'start': {
        const {segment} = run.textOf(coreMessageId)
        run.openText = segment
        const correlation = this.correlation(run, {turnId: m.turn_id, providerCallId: coreMessageId, segmentId: segment.messageId})
        return {
          uiEvents: [
            {name: 'ChatProviderCallStarted', payload: {correlation}},
            {
              name: 'ChatTextSegmentStarted',
              payload: {messageId: segment.messageId, role: 'assistant', ...prompt(run), status: 'streaming', streaming: true, correlation},
            },
          ],
          entities: [],
        }
      }
      case 'partial': {
        const {segment} = run.textOf(coreMessageId)
        run.openText = segment
        const cursor = appendToSegment(segment, event.delta)
        const correlation = this.correlation(run, {providerCallId: coreMessageId, segmentId: segment.messageId})
        return {
          uiEvents: [
            {
              name: 'ChatTextPatch',
              payload: {
                messageId: segment.messageId,
                role: 'assistant',
                streamId: segment.messageId,
                ...cursor,
                text: event.delta,
                mode: 'CHAT_STREAM_PATCH_MODE_APPEND',
                status: 'streaming',
                ...prompt(run),
                correlation,
              },
            },
          ],
          entities: [this.textEntity(run, segment, 'streaming', false, timeline, correlation)],
        }
      }
      case 'final':
        return this.finishText(run, coreMessageId, event.text, 'finished', m.stop_reason ?? 'stop', timeline, m)
      case 'answer-revised': {
        // A middleware changed the answer after it streamed: one REPLACE patch with the text the snapshot holds.
        const {segment} = run.textOf(coreMessageId)
        segment.text = event.text
        segment.bytes = Buffer.byteLength(event.text)
        segment.sequence += 1
        const correlation = this.correlation(run, {providerCallId: coreMessageId, segmentId: segment.messageId})
        return {
          uiEvents: [
            {
              name: 'ChatTextPatch',
              payload: {
                messageId: segment.messageId,
                role: 'assistant',
                streamId: segment.messageId,
                sequence: String(segment.sequence),
                text: event.text,
                mode: 'CHAT_STREAM_PATCH_MODE_REPLACE',
                status: 'finished',
                final: true,
                finishReason: `revised by ${event.by.join(', ')}`,
                ...prompt(run),
                correlation,
              },
            },
          ],
          entities: [this.textEntity(run, segment, 'finished', true, timeline, correlation)],
        }
      }
      case 'partial-thinking':
      case 'thinking-ended':
        return projectReasoningEvent(event, run, (extra) => this.correlation(run, extra))
      case 'tool-call':
      case 'tool-call-execute':
      case 'tool-result':
      case 'tool-call-execution-result':
      case 'agent-mode':
      case 'step-paused':
      case 'step-resumed':
        return projectToolEvent(event, run, timeline, (extra) => this.correlation(run, extra))
      case 'interrupt': {
        const closed = this.closeOpenText(run, 'stopped', 'stopped', event.text, timeline)
        run.ended = true
        return {
          uiEvents: [
            ...closed.uiEvents,
            {
              name: 'ChatRunStopped',
              payload: {
                messageId: run.root,
                status: 'stopped',
                ...(event.text !== '' ? {error: event.text} : {}),
                correlation: this.correlation(run),
              },
            },
          ],
          entities: closed.entities,
        }
      }
      case 'error': {
        const closed = this.closeOpenText(run, 'failed', 'error', event.text ?? '', timeline)
        run.ended = true
        const correlation = this.correlation(run)
        return {
          uiEvents: [
            ...closed.uiEvents,
            {name: 'ChatRunFailed', payload: {messageId: run.root, status: 'failed', error: event.message, correlation}},
          ],
          entities: [
            ...closed.entities,
            {
              kind: 'ChatMessage',
              id: run.root,
              payload: {
                messageId: run.root,
                role: 'error',
                text: event.message,
                content: event.message,
                status: 'failed',
                final: true,
                correlation,
              },
            },
          ],
        }
      }
      case 'run-finished':
        return this.finishRun(run, event, timeline)
      default: {
        const _exhaustive: never = event
        return _exhaustive
      }
    }
  }

  private textEntity(
    run: RunState,
    segment: OpenSegment,
    status: string,
    final: boolean,
    timeline: ChatTimeline,
    correlation: CorrelationInfo,
  ): ProjectedEntity {
    const previous = timeline.get('ChatMessage', segment.messageId)?.payload as EntityPayload<'ChatMessage'> | undefined
    return {
      kind: 'ChatMessage',
      id: segment.messageId,
      payload: {
        messageId: segment.messageId,
        role: 'assistant',
        ...prompt(run),
        text: segment.text,
        content: segment.text,
        status,
        ...(final ? {final: true} : {streaming: true}),
        parentMessageId: run.root,
        correlation: {...previous?.correlation, ...correlation},
      },
    }
  }

  private finishText(
    run: RunState,
    coreMessageId: string,
    text: string,
    status: string,
    finishReason: string,
    timeline: ChatTimeline,
    m: Event['meta'],
  ): Projection {
    const {segment} = run.textOf(coreMessageId)
    segment.text = text
    if (run.openText === segment) run.openText = undefined
    const correlation = this.correlation(run, {providerCallId: coreMessageId, segmentId: segment.messageId})
    const usage = usageOf(m.usage)
    return {
      uiEvents: [
        {
          name: 'ChatTextSegmentFinished',
          payload: {
            messageId: segment.messageId,
            role: 'assistant',
            ...prompt(run),
            text,
            content: text,
            status,
            final: true,
            finishReason,
            correlation,
          },
        },
        {
          name: 'ChatProviderCallFinished',
          payload: {
            ...(m.stop_reason !== undefined ? {stopReason: m.stop_reason} : {}),
            ...(usage ? {usage} : {}),
            ...(m.duration_ms !== undefined ? {durationMs: String(Math.round(m.duration_ms))} : {}),
            correlation: this.correlation(run, {turnId: m.turn_id, providerCallId: coreMessageId}),
          },
        },
      ],
      entities: [this.textEntity(run, segment, status, true, timeline, correlation)],
    }
  }

  /** Closes the text segment still streaming when a run is cancelled or fails (pinocchio's finishActiveTextSegment). */
  private closeOpenText(run: RunState, status: string, finishReason: string, text: string, timeline: ChatTimeline): Projection {
    const open = run.openText
    if (!open) return NOTHING
    run.openText = undefined
    const content = text !== '' ? text : open.text
    open.text = content
    const correlation = this.correlation(run, {segmentId: open.messageId})
    return {
      uiEvents: [
        {
          name: 'ChatTextSegmentFinished',
          payload: {
            messageId: open.messageId,
            role: 'assistant',
            ...prompt(run),
            text: content,
            content,
            status,
            final: true,
            finishReason,
            correlation,
          },
        },
      ],
      entities: [this.textEntity(run, open, status, true, timeline, correlation)],
    }
  }

  /** One terminal event per run: ChatRunFinished, or Stopped/Failed when interrupt/error did not already say so. */
  private finishRun(run: RunState, event: Extract<Event, {type: 'run-finished'}>, timeline: ChatTimeline): Projection {
    if (run.ended) return NOTHING
    run.ended = true
    const correlation = this.correlation(run)
    const durationMs = String(Math.round(event.duration_ms))
    switch (event.status) {
      case 'completed':
      case 'denied': // the user denied the tool calls at a step pause: the run ended as asked, not in error
        return {
          uiEvents: [
            {
              name: 'ChatRunFinished',
              payload: {messageId: run.root, status: event.status === 'completed' ? 'finished' : 'denied', durationMs, correlation},
            },
          ],
          entities: [],
        }
      case 'cancelled':
      case 'failed': {
        const [status, reason] = event.status === 'cancelled' ? (['stopped', 'stopped'] as const) : (['failed', 'error'] as const)
        const closed = this.closeOpenText(run, status, reason, '', timeline)
        const end: ProjectedUiEvent =
          status === 'stopped'
            ? {name: 'ChatRunStopped', payload: {messageId: run.root, status, correlation}}
            : {name: 'ChatRunFailed', payload: {messageId: run.root, status, correlation}}
        return {uiEvents: [...closed.uiEvents, end], entities: closed.entities}
      }
      default: {
        const _exhaustive: never = event.status
        return _exhaustive
      }
    }
  }
}

const prompt = (run: RunState): {prompt?: string} => (run.prompt !== '' ? {prompt: run.prompt} : {})

/** geppetto's usage `{input_tokens, output_tokens, …}` as UsageInfo (int32 numbers). */
function usageOf(usage: Record<string, unknown> | undefined): {inputTokens?: number; outputTokens?: number} | undefined {
  if (!usage) return undefined
  const int = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2 ** 31 ? v : undefined)
  const input = int(usage.input_tokens)
  const output = int(usage.output_tokens)
  if (input === undefined && output === undefined) return undefined
  return {...(input !== undefined ? {inputTokens: input} : {}), ...(output !== undefined ? {outputTokens: output} : {})}
}
