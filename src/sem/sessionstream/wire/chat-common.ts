import {z} from 'zod'
import {Int32Schema, optionalString, StructSchema, Uint32Schema, Uint64Schema} from './protojson.js'

/** `pinocchio.chatapp.v1` messages shared by events and entities (proto/pinocchio/chatapp/v1/chat.proto). */

export const ChatAttachmentSchema = z.strictObject({
  attachmentId: optionalString(),
  kind: optionalString(),
  mediaType: optionalString(),
  url: optionalString(),
  sizeBytes: Uint64Schema.optional(),
  width: Uint32Schema.optional(),
  height: Uint32Schema.optional(),
  filename: optionalString(),
  detail: optionalString(),
  metadata: z.record(z.string(), z.string()).optional(),
})
export type ChatAttachment = z.infer<typeof ChatAttachmentSchema>

export const UsageInfoSchema = z.strictObject({
  inputTokens: Int32Schema.optional(),
  outputTokens: Int32Schema.optional(),
  cachedTokens: Int32Schema.optional(),
  cacheCreationInputTokens: Int32Schema.optional(),
  cacheReadInputTokens: Int32Schema.optional(),
})
export type UsageInfo = z.infer<typeof UsageInfoSchema>

/** Which session, run, turn, provider call, segment and tool call an event belongs to. */
export const CorrelationInfoSchema = z.strictObject({
  sessionId: optionalString(),
  runId: optionalString(),
  turnId: optionalString(),
  providerCallId: optionalString(),
  segmentId: optionalString(),
  toolCallId: optionalString(),
})
export type CorrelationInfo = z.infer<typeof CorrelationInfoSchema>

/** `ChatStreamPatchMode`, by its enum value name (protojson writes names). */
export const ChatStreamPatchModeSchema = z.enum([
  'CHAT_STREAM_PATCH_MODE_UNSPECIFIED',
  'CHAT_STREAM_PATCH_MODE_APPEND',
  'CHAT_STREAM_PATCH_MODE_SNAPSHOT',
  'CHAT_STREAM_PATCH_MODE_REPLACE',
])
export type ChatStreamPatchMode = z.infer<typeof ChatStreamPatchModeSchema>

/** `pinocchio.chatapp.frontendtools.v1.ToolExecutionMode`, by name. */
export const ToolExecutionModeSchema = z.enum([
  'TOOL_EXECUTION_MODE_UNSPECIFIED',
  'TOOL_EXECUTION_MODE_FRONTEND_AUTO',
  'TOOL_EXECUTION_MODE_FRONTEND_HUMAN',
  'TOOL_EXECUTION_MODE_BACKEND',
])
export type ToolExecutionMode = z.infer<typeof ToolExecutionModeSchema>

export {StructSchema}
