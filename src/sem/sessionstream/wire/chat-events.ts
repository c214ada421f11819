import {z} from 'zod'
import {ChatAttachmentSchema, ChatStreamPatchModeSchema, CorrelationInfoSchema, UsageInfoSchema} from './chat-common.js'
import {Int64Schema, optionalBool, optionalString, optionalUint64} from './protojson.js'

/**
 * The `pinocchio.chatapp.v1` event payloads (proto/pinocchio/chatapp/v1/chat.proto at pinocchio
 * f7768197), as protojson: camelCase keys, defaults omitted, unknown keys rejected (as
 * `protojson.Unmarshal` does).
 */

const correlation = (): z.ZodOptional<typeof CorrelationInfoSchema> => CorrelationInfoSchema.optional()

const runOutcome = {
  messageId: optionalString(),
  status: optionalString(),
  error: optionalString(),
}

export const ChatUserMessageAcceptedSchema = z.strictObject({
  messageId: optionalString(),
  role: optionalString(),
  prompt: optionalString(),
  text: optionalString(),
  content: optionalString(),
  status: optionalString(),
  attachments: z.array(ChatAttachmentSchema).optional(),
})
export const ChatRunStartedSchema = z.strictObject({
  messageId: optionalString(),
  prompt: optionalString(),
  correlation: correlation(),
})
export const ChatRunFinishedSchema = z.strictObject({
  ...runOutcome,
  durationMs: Int64Schema.optional(),
  correlation: correlation(),
})
export const ChatRunStoppedSchema = z.strictObject({...runOutcome, correlation: correlation()})
export const ChatRunFailedSchema = z.strictObject({...runOutcome, correlation: correlation()})

export const ChatProviderCallStartedSchema = z.strictObject({correlation: correlation()})
export const ChatProviderCallMetadataUpdatedSchema = z.strictObject({
  stopReason: optionalString(),
  usage: UsageInfoSchema.optional(),
  correlation: correlation(),
})
export const ChatProviderCallFinishedSchema = z.strictObject({
  stopReason: optionalString(),
  finishClass: optionalString(),
  usage: UsageInfoSchema.optional(),
  durationMs: Int64Schema.optional(),
  hasToolCalls: optionalBool(),
  correlation: correlation(),
})

export const ChatTextSegmentStartedSchema = z.strictObject({
  messageId: optionalString(),
  role: optionalString(),
  prompt: optionalString(),
  status: optionalString(),
  streaming: optionalBool(),
  correlation: correlation(),
})
/** The cursor fields of every canonical stream patch (text, reasoning, tool arguments). */
const patchCursor = {
  streamId: optionalString(),
  sequence: optionalUint64(),
  offset: optionalUint64(),
  mode: ChatStreamPatchModeSchema.optional(),
  status: optionalString(),
  final: optionalBool(),
}
export const ChatTextPatchSchema = z.strictObject({
  messageId: optionalString(),
  role: optionalString(),
  ...patchCursor,
  text: optionalString(),
  finishReason: optionalString(),
  prompt: optionalString(),
  correlation: correlation(),
})
/** Compact UI form of a ChatTextPatch (never stored, never a timeline entity). */
export const ChatTextDeltaSchema = z.strictObject({
  messageId: optionalString(),
  text: optionalString(),
  mode: ChatStreamPatchModeSchema.optional(),
  final: optionalBool(),
})
export const ChatTextSegmentFinishedSchema = z.strictObject({
  messageId: optionalString(),
  role: optionalString(),
  prompt: optionalString(),
  text: optionalString(),
  content: optionalString(),
  status: optionalString(),
  streaming: optionalBool(),
  final: optionalBool(),
  finishReason: optionalString(),
  correlation: correlation(),
})

export const ChatReasoningDeltaSchema = z.strictObject({
  messageId: optionalString(),
  parentMessageId: optionalString(),
  text: optionalString(),
  mode: ChatStreamPatchModeSchema.optional(),
  final: optionalBool(),
})
export const ChatReasoningSegmentStartedSchema = z.strictObject({
  messageId: optionalString(),
  parentMessageId: optionalString(),
  role: optionalString(),
  status: optionalString(),
  streaming: optionalBool(),
  source: optionalString(),
  correlation: correlation(),
})
export const ChatReasoningPatchSchema = z.strictObject({
  messageId: optionalString(),
  parentMessageId: optionalString(),
  role: optionalString(),
  ...patchCursor,
  text: optionalString(),
  source: optionalString(),
  finishReason: optionalString(),
  correlation: correlation(),
})
export const ChatReasoningSegmentFinishedSchema = z.strictObject({
  messageId: optionalString(),
  parentMessageId: optionalString(),
  role: optionalString(),
  text: optionalString(),
  content: optionalString(),
  status: optionalString(),
  streaming: optionalBool(),
  source: optionalString(),
  finishReason: optionalString(),
  correlation: correlation(),
})

/** Fields of ChatToolCallStarted / Requested / ExecutionStarted (and of ToolCallEntity). */
export const toolCallFields = {
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  input: optionalString(),
  executing: optionalBool(),
  status: optionalString(),
  correlation: correlation(),
}
/** Fields of ChatToolResultReady (and of ToolResultEntity). */
export const toolResultFields = {
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  result: optionalString(),
  status: optionalString(),
  correlation: correlation(),
}
export const ChatToolCallStartedSchema = z.strictObject(toolCallFields)
export const ChatToolArgumentsDeltaSchema = z.strictObject({
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  arguments: optionalString(),
  mode: ChatStreamPatchModeSchema.optional(),
  final: optionalBool(),
})
export const ChatToolArgumentsPatchSchema = z.strictObject({
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  ...patchCursor,
  arguments: optionalString(),
  correlation: correlation(),
})
export const ChatToolCallRequestedSchema = z.strictObject(toolCallFields)
export const ChatToolExecutionStartedSchema = z.strictObject(toolCallFields)
export const ChatToolResultReadySchema = z.strictObject(toolResultFields)
export const ChatToolCallFinishedSchema = z.strictObject({
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  status: optionalString(),
  correlation: correlation(),
})

export const AgentModePreviewUpdateSchema = z.strictObject({
  messageId: optionalString(),
  candidateMode: optionalString(),
  analysis: optionalString(),
  parseState: optionalString(),
  preview: optionalBool(),
})
/** Fields of AgentModeCommittedUpdate (and of AgentModeEntity). */
export const agentModeFields = {
  messageId: optionalString(),
  title: optionalString(),
  from: optionalString(),
  to: optionalString(),
  analysis: optionalString(),
  preview: optionalBool(),
}
export const AgentModeCommittedUpdateSchema = z.strictObject(agentModeFields)
export const AgentModePreviewClearedSchema = z.strictObject({messageId: optionalString()})

export type ChatUserMessageAccepted = z.infer<typeof ChatUserMessageAcceptedSchema>
export type ChatRunStarted = z.infer<typeof ChatRunStartedSchema>
export type ChatRunFinished = z.infer<typeof ChatRunFinishedSchema>
export type ChatRunStopped = z.infer<typeof ChatRunStoppedSchema>
export type ChatRunFailed = z.infer<typeof ChatRunFailedSchema>
export type ChatProviderCallStarted = z.infer<typeof ChatProviderCallStartedSchema>
export type ChatProviderCallMetadataUpdated = z.infer<typeof ChatProviderCallMetadataUpdatedSchema>
export type ChatProviderCallFinished = z.infer<typeof ChatProviderCallFinishedSchema>
export type ChatTextSegmentStarted = z.infer<typeof ChatTextSegmentStartedSchema>
export type ChatTextPatch = z.infer<typeof ChatTextPatchSchema>
export type ChatTextDelta = z.infer<typeof ChatTextDeltaSchema>
export type ChatTextSegmentFinished = z.infer<typeof ChatTextSegmentFinishedSchema>
export type ChatReasoningDelta = z.infer<typeof ChatReasoningDeltaSchema>
export type ChatReasoningSegmentStarted = z.infer<typeof ChatReasoningSegmentStartedSchema>
export type ChatReasoningPatch = z.infer<typeof ChatReasoningPatchSchema>
export type ChatReasoningSegmentFinished = z.infer<typeof ChatReasoningSegmentFinishedSchema>
export type ChatToolCallStarted = z.infer<typeof ChatToolCallStartedSchema>
export type ChatToolArgumentsDelta = z.infer<typeof ChatToolArgumentsDeltaSchema>
export type ChatToolArgumentsPatch = z.infer<typeof ChatToolArgumentsPatchSchema>
export type ChatToolCallRequested = z.infer<typeof ChatToolCallRequestedSchema>
export type ChatToolExecutionStarted = z.infer<typeof ChatToolExecutionStartedSchema>
export type ChatToolResultReady = z.infer<typeof ChatToolResultReadySchema>
export type ChatToolCallFinished = z.infer<typeof ChatToolCallFinishedSchema>
export type AgentModePreviewUpdate = z.infer<typeof AgentModePreviewUpdateSchema>
export type AgentModeCommittedUpdate = z.infer<typeof AgentModeCommittedUpdateSchema>
export type AgentModePreviewCleared = z.infer<typeof AgentModePreviewClearedSchema>
