import type {z} from 'zod'
import * as e from './chat-events.js'
import * as t from './chat-entities.js'
import {fullNameOfTypeUrl, typeUrlOf} from './protojson.js'
import type {AnyJson} from './transport.js'

/** Every payload message by its full protobuf name (what follows `type.googleapis.com/` in `@type`). */
export const PAYLOAD_SCHEMAS = {
  'pinocchio.chatapp.v1.ChatUserMessageAccepted': e.ChatUserMessageAcceptedSchema,
  'pinocchio.chatapp.v1.ChatRunStarted': e.ChatRunStartedSchema,
  'pinocchio.chatapp.v1.ChatRunFinished': e.ChatRunFinishedSchema,
  'pinocchio.chatapp.v1.ChatRunStopped': e.ChatRunStoppedSchema,
  'pinocchio.chatapp.v1.ChatRunFailed': e.ChatRunFailedSchema,
  'pinocchio.chatapp.v1.ChatProviderCallStarted': e.ChatProviderCallStartedSchema,
  'pinocchio.chatapp.v1.ChatProviderCallMetadataUpdated': e.ChatProviderCallMetadataUpdatedSchema,
  'pinocchio.chatapp.v1.ChatProviderCallFinished': e.ChatProviderCallFinishedSchema,
  'pinocchio.chatapp.v1.ChatTextSegmentStarted': e.ChatTextSegmentStartedSchema,
  'pinocchio.chatapp.v1.ChatTextPatch': e.ChatTextPatchSchema,
  'pinocchio.chatapp.v1.ChatTextDelta': e.ChatTextDeltaSchema,
  'pinocchio.chatapp.v1.ChatTextSegmentFinished': e.ChatTextSegmentFinishedSchema,
  'pinocchio.chatapp.v1.ChatReasoningDelta': e.ChatReasoningDeltaSchema,
  'pinocchio.chatapp.v1.ChatReasoningSegmentStarted': e.ChatReasoningSegmentStartedSchema,
  'pinocchio.chatapp.v1.ChatReasoningPatch': e.ChatReasoningPatchSchema,
  'pinocchio.chatapp.v1.ChatReasoningSegmentFinished': e.ChatReasoningSegmentFinishedSchema,
  'pinocchio.chatapp.v1.ChatToolCallStarted': e.ChatToolCallStartedSchema,
  'pinocchio.chatapp.v1.ChatToolArgumentsDelta': e.ChatToolArgumentsDeltaSchema,
  'pinocchio.chatapp.v1.ChatToolArgumentsPatch': e.ChatToolArgumentsPatchSchema,
  'pinocchio.chatapp.v1.ChatToolCallRequested': e.ChatToolCallRequestedSchema,
  'pinocchio.chatapp.v1.ChatToolExecutionStarted': e.ChatToolExecutionStartedSchema,
  'pinocchio.chatapp.v1.ChatToolResultReady': e.ChatToolResultReadySchema,
  'pinocchio.chatapp.v1.ChatToolCallFinished': e.ChatToolCallFinishedSchema,
  'pinocchio.chatapp.v1.AgentModePreviewUpdate': e.AgentModePreviewUpdateSchema,
  'pinocchio.chatapp.v1.AgentModeCommittedUpdate': e.AgentModeCommittedUpdateSchema,
  'pinocchio.chatapp.v1.AgentModePreviewCleared': e.AgentModePreviewClearedSchema,
  'pinocchio.chatapp.v1.ChatMessageEntity': t.ChatMessageEntitySchema,
  'pinocchio.chatapp.v1.ToolCallEntity': t.ToolCallEntitySchema,
  'pinocchio.chatapp.v1.ToolResultEntity': t.ToolResultEntitySchema,
  'pinocchio.chatapp.v1.AgentModeEntity': t.AgentModeEntitySchema,
  'pinocchio.chatapp.frontendtools.v1.FrontendToolManifestUpdated': t.FrontendToolManifestUpdatedSchema,
  'pinocchio.chatapp.frontendtools.v1.FrontendToolCallRequested': t.FrontendToolCallRequestedSchema,
  'pinocchio.chatapp.frontendtools.v1.FrontendToolResultReceived': t.FrontendToolResultReceivedSchema,
  'pinocchio.chatapp.frontendtools.v1.FrontendToolCallEntity': t.FrontendToolCallEntitySchema,
} as const
export type PayloadTypeName = keyof typeof PAYLOAD_SCHEMAS
/** The parsed payload of each message. */
export type PayloadOf<N extends PayloadTypeName> = z.infer<(typeof PAYLOAD_SCHEMAS)[N]>

/** uiEvent `name` → the message its payload holds (pinocchio registers each with RegisterUIEvent). */
export const UI_EVENT_PAYLOAD_TYPES = {
  ChatUserMessageAccepted: 'pinocchio.chatapp.v1.ChatUserMessageAccepted',
  ChatRunStarted: 'pinocchio.chatapp.v1.ChatRunStarted',
  ChatRunFinished: 'pinocchio.chatapp.v1.ChatRunFinished',
  ChatRunStopped: 'pinocchio.chatapp.v1.ChatRunStopped',
  ChatRunFailed: 'pinocchio.chatapp.v1.ChatRunFailed',
  ChatProviderCallStarted: 'pinocchio.chatapp.v1.ChatProviderCallStarted',
  ChatProviderCallMetadataUpdated: 'pinocchio.chatapp.v1.ChatProviderCallMetadataUpdated',
  ChatProviderCallFinished: 'pinocchio.chatapp.v1.ChatProviderCallFinished',
  ChatTextSegmentStarted: 'pinocchio.chatapp.v1.ChatTextSegmentStarted',
  ChatTextPatch: 'pinocchio.chatapp.v1.ChatTextPatch',
  ChatTextDelta: 'pinocchio.chatapp.v1.ChatTextDelta',
  ChatTextSegmentFinished: 'pinocchio.chatapp.v1.ChatTextSegmentFinished',
  ChatReasoningDelta: 'pinocchio.chatapp.v1.ChatReasoningDelta',
  ChatReasoningSegmentStarted: 'pinocchio.chatapp.v1.ChatReasoningSegmentStarted',
  ChatReasoningPatch: 'pinocchio.chatapp.v1.ChatReasoningPatch',
  ChatReasoningSegmentFinished: 'pinocchio.chatapp.v1.ChatReasoningSegmentFinished',
  ChatToolCallStarted: 'pinocchio.chatapp.v1.ChatToolCallStarted',
  ChatToolArgumentsDelta: 'pinocchio.chatapp.v1.ChatToolArgumentsDelta',
  ChatToolArgumentsPatch: 'pinocchio.chatapp.v1.ChatToolArgumentsPatch',
  ChatToolCallRequested: 'pinocchio.chatapp.v1.ChatToolCallRequested',
  ChatToolExecutionStarted: 'pinocchio.chatapp.v1.ChatToolExecutionStarted',
  ChatToolResultReady: 'pinocchio.chatapp.v1.ChatToolResultReady',
  ChatToolCallFinished: 'pinocchio.chatapp.v1.ChatToolCallFinished',
  ChatAgentModePreviewUpdated: 'pinocchio.chatapp.v1.AgentModePreviewUpdate',
  ChatAgentModeCommitted: 'pinocchio.chatapp.v1.AgentModeCommittedUpdate',
  ChatAgentModePreviewCleared: 'pinocchio.chatapp.v1.AgentModePreviewCleared',
  ChatFrontendToolCallRequested: 'pinocchio.chatapp.frontendtools.v1.FrontendToolCallRequested',
  ChatFrontendToolResultReceived: 'pinocchio.chatapp.frontendtools.v1.FrontendToolResultReceived',
} as const satisfies Record<string, PayloadTypeName>
export type UiEventName = keyof typeof UI_EVENT_PAYLOAD_TYPES

/** Timeline entity `kind` → the message its payload holds. */
export const ENTITY_PAYLOAD_TYPES = {
  ChatMessage: 'pinocchio.chatapp.v1.ChatMessageEntity',
  ChatToolCall: 'pinocchio.chatapp.v1.ToolCallEntity',
  ChatToolResult: 'pinocchio.chatapp.v1.ToolResultEntity',
  AgentMode: 'pinocchio.chatapp.v1.AgentModeEntity',
  ChatFrontendToolCall: 'pinocchio.chatapp.frontendtools.v1.FrontendToolCallEntity',
} as const satisfies Record<string, PayloadTypeName>
export type EntityKind = keyof typeof ENTITY_PAYLOAD_TYPES

/** The payload of a uiEvent, typed by its name. */
export type UiEventPayload<N extends UiEventName> = PayloadOf<(typeof UI_EVENT_PAYLOAD_TYPES)[N]>
/** The payload of an entity, typed by its kind. */
export type EntityPayload<K extends EntityKind> = PayloadOf<(typeof ENTITY_PAYLOAD_TYPES)[K]>

export function isUiEventName(name: string): name is UiEventName {
  return Object.hasOwn(UI_EVENT_PAYLOAD_TYPES, name)
}
export function isEntityKind(kind: string): kind is EntityKind {
  return Object.hasOwn(ENTITY_PAYLOAD_TYPES, kind)
}
export function isPayloadTypeName(name: string): name is PayloadTypeName {
  return Object.hasOwn(PAYLOAD_SCHEMAS, name)
}

/** Wraps a payload in its Any: `{"@type": "type.googleapis.com/<name>", ...payload}`. */
export function toAny<N extends PayloadTypeName>(typeName: N, payload: PayloadOf<N>): AnyJson {
  return {'@type': typeUrlOf(typeName), ...payload}
}

export type ParsedAny = {ok: true; typeName: PayloadTypeName; value: Record<string, unknown>} | {ok: false; error: string}

/**
 * Checks an Any against the payload registry: a known `@type`, the fields of that message and
 * nothing else. `expected`, when given, is the message the context requires (a uiEvent's name, an
 * entity's kind).
 */
export function parseAny(any: AnyJson, expected?: PayloadTypeName): ParsedAny {
  const typeUrl = any['@type']
  const typeName = fullNameOfTypeUrl(typeUrl)
  if (typeName === undefined || !isPayloadTypeName(typeName)) {
    return {ok: false, error: `unknown @type ${JSON.stringify(typeUrl)}`}
  }
  if (expected !== undefined && typeName !== expected) {
    return {ok: false, error: `@type is ${typeName}, expected ${expected}`}
  }
  const {'@type': _typeUrl, ...fields} = any
  const parsed = PAYLOAD_SCHEMAS[typeName].safeParse(fields)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.join('.') ?? ''
    return {ok: false, error: `${typeName}${where === '' ? '' : '.' + where}: ${issue?.message ?? 'invalid'}`}
  }
  return {ok: true, typeName, value: parsed.data}
}
