import {z} from 'zod'
import {optionalString, optionalUint64} from './protojson.js'

/**
 * `sessionstream.v1` transport frames (sessionstream proto/sessionstream/v1/transport.proto) as
 * protojson: a frame is an object with exactly one key, the name of its `oneof frame` case in
 * camelCase (`{"uiEvent": {...}}`); uint64 fields are decimal strings; payloads are
 * `google.protobuf.Any` objects `{"@type": "type.googleapis.com/<full name>", ...fields}`.
 */

/** A `google.protobuf.Any` in protojson: its `@type` plus the message's own fields. */
export const AnySchema = z.looseObject({'@type': z.string().min(1, 'an Any needs its @type')})
export type AnyJson = z.infer<typeof AnySchema>

export const HelloFrameSchema = z.strictObject({connectionId: optionalString()})
export const SubscribeRequestSchema = z.strictObject({sessionId: optionalString(), sinceSnapshotOrdinal: optionalUint64()})
export const UnsubscribeRequestSchema = z.strictObject({sessionId: optionalString()})
export const SubscribedFrameSchema = z.strictObject({sessionId: optionalString(), sinceSnapshotOrdinal: optionalUint64()})
export const UnsubscribedFrameSchema = z.strictObject({sessionId: optionalString()})
export const SnapshotEntitySchema = z.strictObject({
  kind: optionalString(),
  id: optionalString(),
  createdOrdinal: optionalUint64(),
  lastEventOrdinal: optionalUint64(),
  tombstone: z.boolean().optional(),
  payload: AnySchema.optional(),
})
export const SnapshotFrameSchema = z.strictObject({
  sessionId: optionalString(),
  snapshotOrdinal: optionalUint64(),
  entities: z.array(SnapshotEntitySchema).optional(),
})
export const UiEventFrameSchema = z.strictObject({
  sessionId: optionalString(),
  eventOrdinal: optionalUint64(),
  name: optionalString(),
  payload: AnySchema.optional(),
})
export const ErrorFrameSchema = z.strictObject({
  code: optionalString(),
  message: optionalString(),
  sessionId: optionalString(),
  detail: optionalString(),
})
export const PingFrameSchema = z.strictObject({nonce: optionalString()})
export const PongFrameSchema = z.strictObject({nonce: optionalString()})

export type HelloFrame = z.infer<typeof HelloFrameSchema>
export type SubscribeRequest = z.infer<typeof SubscribeRequestSchema>
export type UnsubscribeRequest = z.infer<typeof UnsubscribeRequestSchema>
export type SubscribedFrame = z.infer<typeof SubscribedFrameSchema>
export type UnsubscribedFrame = z.infer<typeof UnsubscribedFrameSchema>
export type SnapshotEntity = z.infer<typeof SnapshotEntitySchema>
export type SnapshotFrame = z.infer<typeof SnapshotFrameSchema>
export type UiEventFrame = z.infer<typeof UiEventFrameSchema>
export type ErrorFrame = z.infer<typeof ErrorFrameSchema>
export type PingFrame = z.infer<typeof PingFrameSchema>
export type PongFrame = z.infer<typeof PongFrameSchema>

/** ServerFrame's oneof cases, by their protojson key. */
export interface ServerFrameCases {
  hello: HelloFrame
  snapshot: SnapshotFrame
  subscribed: SubscribedFrame
  unsubscribed: UnsubscribedFrame
  uiEvent: UiEventFrame
  error: ErrorFrame
  ping: PingFrame
  pong: PongFrame
}
/** ClientFrame's oneof cases, by their protojson key. */
export interface ClientFrameCases {
  subscribe: SubscribeRequest
  unsubscribe: UnsubscribeRequest
  ping: PingFrame
  pong: PongFrame
}

type OneOf<C> = {[K in keyof C]: {readonly [P in K]: C[K]}}[keyof C]
/** A frame is one of its cases: `{hello: {...}}`, `{uiEvent: {...}}`, … */
export type ServerFrame = OneOf<ServerFrameCases>
export type ClientFrame = OneOf<ClientFrameCases>
/** A frame as a discriminated union, for an exhaustive `switch (c.kind)`. */
export type ServerFrameCase = {[K in keyof ServerFrameCases]: {kind: K; value: ServerFrameCases[K]}}[keyof ServerFrameCases]
export type ClientFrameCase = {[K in keyof ClientFrameCases]: {kind: K; value: ClientFrameCases[K]}}[keyof ClientFrameCases]

export const ServerFrameSchema = z.union([
  z.strictObject({hello: HelloFrameSchema}),
  z.strictObject({snapshot: SnapshotFrameSchema}),
  z.strictObject({subscribed: SubscribedFrameSchema}),
  z.strictObject({unsubscribed: UnsubscribedFrameSchema}),
  z.strictObject({uiEvent: UiEventFrameSchema}),
  z.strictObject({error: ErrorFrameSchema}),
  z.strictObject({ping: PingFrameSchema}),
  z.strictObject({pong: PongFrameSchema}),
])
export const ClientFrameSchema = z.union([
  z.strictObject({subscribe: SubscribeRequestSchema}),
  z.strictObject({unsubscribe: UnsubscribeRequestSchema}),
  z.strictObject({ping: PingFrameSchema}),
  z.strictObject({pong: PongFrameSchema}),
])

/** The case of a parsed ServerFrame. */
export function serverFrameCase(frame: ServerFrame): ServerFrameCase {
  const [kind] = Object.keys(frame) as (keyof ServerFrameCases)[]
  return {kind, value: (frame as ServerFrameCases)[kind as keyof ServerFrameCases]} as ServerFrameCase
}

/** The case of a parsed ClientFrame. */
export function clientFrameCase(frame: ClientFrame): ClientFrameCase {
  const [kind] = Object.keys(frame) as (keyof ClientFrameCases)[]
  return {kind, value: (frame as ClientFrameCases)[kind as keyof ClientFrameCases]} as ClientFrameCase
}

/** Error codes sessionstream's WebSocket server sends in `error.code` (transport/ws/server.go). */
export const SESSIONSTREAM_ERROR_CODES = ['bad_client_frame', 'protocol_error', 'hydration_buffer_overflow'] as const
export type SessionstreamErrorCode = (typeof SESSIONSTREAM_ERROR_CODES)[number]
