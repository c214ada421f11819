import {z} from 'zod'
import {optionalString, optionalUint64} from './protojson.js'

/**
 * The JSON bodies of pinocchio's session routes (pkg/chatapp/serverkit/contracts.go). Requests are
 * decoded like Go's `encoding/json`: unknown keys are ignored, an empty body is `{}`. Responses
 * are what the server writes.
 */

export const CreateSessionRequestSchema = z.object({
  application_profile: optionalString(),
  profile: optionalString(),
  registry: optionalString(),
})
export const CreateSessionResponseSchema = z.strictObject({
  sessionId: z.string(),
  application_profile: optionalString(),
  profile: optionalString(),
  registry: optionalString(),
})
export const AttachmentRefSchema = z.object({attachment_id: z.string()})
export const SubmitMessageRequestSchema = z.object({
  prompt: optionalString(),
  attachments: z.array(AttachmentRefSchema).optional(),
  application_profile: optionalString(),
  profile: optionalString(),
  registry: optionalString(),
  idempotencyKey: optionalString(),
})
export const SubmitMessageResponseSchema = z.strictObject({
  sessionId: z.string(),
  accepted: z.boolean(),
  status: z.string(),
  profile: optionalString(),
})
export const StopSessionResponseSchema = z.strictObject({
  sessionId: z.string(),
  accepted: z.boolean(),
  status: z.string(),
})

/**
 * One entity of `GET /api/chat/sessions/{id}`: ordinals as decimal strings, `payload` the entity's
 * protojson WITHOUT `@type` (the kind says which message it is), `createdAt` pinocchio's
 * created ordinal as a number (0 when it does not fit an int64).
 */
export const SnapshotEntityBodySchema = z.strictObject({
  kind: z.string(),
  id: z.string(),
  createdOrdinal: optionalUint64(),
  lastEventOrdinal: optionalUint64(),
  tombstone: z.boolean(),
  payload: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.number().int().optional(),
})
/** `GET /api/chat/sessions/{id}`: the timeline snapshot. */
export const SessionSnapshotResponseSchema = z.strictObject({
  sessionId: z.string(),
  snapshotOrdinal: optionalUint64(),
  status: optionalString(),
  entities: z.array(SnapshotEntityBodySchema),
})

export type CreateSessionRequest = z.infer<typeof CreateSessionRequestSchema>
export type CreateSessionResponse = z.infer<typeof CreateSessionResponseSchema>
export type SubmitMessageRequest = z.infer<typeof SubmitMessageRequestSchema>
export type SubmitMessageResponse = z.infer<typeof SubmitMessageResponseSchema>
export type StopSessionResponse = z.infer<typeof StopSessionResponseSchema>
export type SnapshotEntityBody = z.infer<typeof SnapshotEntityBodySchema>
export type SessionSnapshotResponse = z.infer<typeof SessionSnapshotResponseSchema>
