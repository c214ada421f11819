/**
 * The sessionstream wire vocabulary: `sessionstream.v1` frames, `pinocchio.chatapp.*` payloads and
 * the session routes' JSON bodies, as zod schemas + TS types. Shared by the server transport and by
 * readers of foreign recordings; keep it stable.
 */
export * from './protojson.js'
export * from './chat-common.js'
export * from './chat-events.js'
export * from './chat-entities.js'
export * from './transport.js'
export * from './http-bodies.js'
export * from './payload-types.js'
