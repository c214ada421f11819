import type {ChatTimeline} from './chat-timeline.js'
import type {ProjectedUiEvent} from './chat-projector.js'
import {typeUrlOf, UI_EVENT_PAYLOAD_TYPES, type ServerFrame, type SessionstreamErrorCode} from './wire/index.js'

/**
 * The one frame builder of the sessionstream transport: every `sessionstream.v1.ServerFrame` a
 * socket receives is built here, once, as protojson text (see ./wire for the vocabulary).
 */
export const serverFrameJson = (frame: ServerFrame): string => JSON.stringify(frame)

export const helloFrame = (connectionId: string): string => serverFrameJson({hello: {connectionId}})

export function uiEventFrame(sessionId: string, ordinal: bigint, event: ProjectedUiEvent): string {
  return serverFrameJson({
    uiEvent: {
      sessionId,
      eventOrdinal: ordinal.toString(),
      name: event.name,
      payload: {'@type': typeUrlOf(UI_EVENT_PAYLOAD_TYPES[event.name]), ...event.payload},
    },
  })
}

export const snapshotFrame = (sessionId: string, timeline: ChatTimeline): string =>
  serverFrameJson({snapshot: timeline.snapshotFrame(sessionId)})

export const subscribedFrame = (sessionId: string, since: bigint): string =>
  serverFrameJson({subscribed: {sessionId, ...(since > 0n ? {sinceSnapshotOrdinal: since.toString()} : {})}})

export const unsubscribedFrame = (sessionId: string): string => serverFrameJson({unsubscribed: {sessionId}})

export const pongFrame = (nonce: string): string => serverFrameJson({pong: nonce !== '' ? {nonce} : {}})

export function errorFrame(code: SessionstreamErrorCode, message: string, sessionId?: string): string {
  return serverFrameJson({error: {code, message, ...(sessionId !== undefined && sessionId !== '' ? {sessionId} : {})}})
}
