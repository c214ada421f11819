import {z} from 'zod'
import {ChatAttachmentSchema, CorrelationInfoSchema, StructSchema, ToolExecutionModeSchema} from './chat-common.js'
import {agentModeFields, toolCallFields, toolResultFields} from './chat-events.js'
import {Int32Schema, optionalBool, optionalString, optionalUint64} from './protojson.js'

/** Timeline entity payloads (`pinocchio.chatapp.v1.*Entity`) and the frontend-tool messages. */

export const ChatMessageEntitySchema = z.strictObject({
  messageId: optionalString(),
  role: optionalString(),
  prompt: optionalString(),
  text: optionalString(),
  content: optionalString(),
  status: optionalString(),
  streaming: optionalBool(),
  error: optionalString(),
  parentMessageId: optionalString(),
  segment: Int32Schema.optional(),
  segmentType: optionalString(),
  final: optionalBool(),
  correlation: CorrelationInfoSchema.optional(),
  attachments: z.array(ChatAttachmentSchema).optional(),
})
export const ToolCallEntitySchema = z.strictObject(toolCallFields)
export const ToolResultEntitySchema = z.strictObject(toolResultFields)
export const AgentModeEntitySchema = z.strictObject(agentModeFields)

/** `pinocchio.chatapp.frontendtools.v1` (proto/pinocchio/chatapp/frontendtools/v1/frontend_tool.proto). */
export const FrontendToolDescriptorSchema = z.strictObject({
  name: optionalString(),
  description: optionalString(),
  inputSchema: StructSchema.optional(),
  mode: ToolExecutionModeSchema.optional(),
  available: optionalBool(),
})
export const FrontendToolManifestCommandSchema = z.strictObject({
  tools: z.array(FrontendToolDescriptorSchema).optional(),
  revision: optionalUint64(),
})
export const FrontendToolManifestUpdatedSchema = FrontendToolManifestCommandSchema
export const FrontendToolCallRequestedSchema = z.strictObject({
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  input: StructSchema.optional(),
  mode: ToolExecutionModeSchema.optional(),
  status: optionalString(),
})
export const FrontendToolResultCommandSchema = z.strictObject({
  toolCallId: optionalString(),
  toolName: optionalString(),
  result: StructSchema.optional(),
  status: optionalString(),
  error: optionalString(),
})
export const FrontendToolResultReceivedSchema = z.strictObject({
  messageId: optionalString(),
  toolCallId: optionalString(),
  toolName: optionalString(),
  result: StructSchema.optional(),
  status: optionalString(),
  error: optionalString(),
})
export const FrontendToolCallEntitySchema = z.strictObject({
  toolCallId: optionalString(),
  toolName: optionalString(),
  parentMessageId: optionalString(),
  mode: ToolExecutionModeSchema.optional(),
  status: optionalString(),
  input: StructSchema.optional(),
  result: StructSchema.optional(),
  error: optionalString(),
})

export type ChatMessageEntity = z.infer<typeof ChatMessageEntitySchema>
export type ToolCallEntity = z.infer<typeof ToolCallEntitySchema>
export type ToolResultEntity = z.infer<typeof ToolResultEntitySchema>
export type AgentModeEntity = z.infer<typeof AgentModeEntitySchema>
export type FrontendToolDescriptor = z.infer<typeof FrontendToolDescriptorSchema>
export type FrontendToolManifestCommand = z.infer<typeof FrontendToolManifestCommandSchema>
export type FrontendToolManifestUpdated = z.infer<typeof FrontendToolManifestUpdatedSchema>
export type FrontendToolCallRequested = z.infer<typeof FrontendToolCallRequestedSchema>
export type FrontendToolResultCommand = z.infer<typeof FrontendToolResultCommandSchema>
export type FrontendToolResultReceived = z.infer<typeof FrontendToolResultReceivedSchema>
export type FrontendToolCallEntity = z.infer<typeof FrontendToolCallEntitySchema>
