import {describe, expect, it} from 'vitest'
import {
  ClientFrameSchema,
  ENTITY_PAYLOAD_TYPES,
  parseAny,
  ServerFrameSchema,
  serverFrameCase,
  SessionSnapshotResponseSchema,
  toAny,
  UI_EVENT_PAYLOAD_TYPES,
} from '../../../src/sem/sessionstream/wire/index.js'

// Frames as pinocchio's server writes them (protojson of sessionstream.v1 + pinocchio.chatapp.v1).
const patch = {
  uiEvent: {
    sessionId: 's1',
    eventOrdinal: '1765150000000000001',
    name: 'ChatTextPatch',
    payload: {
      '@type': 'type.googleapis.com/pinocchio.chatapp.v1.ChatTextPatch',
      messageId: 'chat-msg-1:text:1',
      role: 'assistant',
      streamId: 'chat-msg-1:text:1',
      sequence: '3',
      offset: '10',
      text: 'hi',
      mode: 'CHAT_STREAM_PATCH_MODE_APPEND',
      correlation: {sessionId: 's1', runId: 'r1'},
    },
  },
}

describe('sessionstream wire schemas', () => {
  it('parses a uiEvent frame and its Any payload', () => {
    const frame = ServerFrameSchema.parse(patch)
    const c = serverFrameCase(frame)
    expect(c.kind).toBe('uiEvent')
    if (c.kind !== 'uiEvent' || c.value.payload === undefined) throw new Error('not a uiEvent')
    const any = parseAny(c.value.payload, UI_EVENT_PAYLOAD_TYPES.ChatTextPatch)
    expect(any).toMatchObject({ok: true, typeName: 'pinocchio.chatapp.v1.ChatTextPatch', value: {text: 'hi', sequence: '3'}})
  })

  it('rejects a frame with two cases, an unknown case, a numeric uint64 and an unknown payload field', () => {
    expect(ServerFrameSchema.safeParse({hello: {}, ping: {}}).success).toBe(false)
    expect(ServerFrameSchema.safeParse({welcome: {}}).success).toBe(false)
    expect(ClientFrameSchema.safeParse({subscribe: {sessionId: 's', sinceSnapshotOrdinal: 3}}).success).toBe(false)
    expect(ClientFrameSchema.safeParse({subscribe: {sessionId: 's', sinceSnapshotOrdinal: '3'}}).success).toBe(true)
    const extra = {...patch.uiEvent.payload, colour: 'red'}
    expect(parseAny(extra)).toEqual({ok: false, error: expect.stringContaining('colour') as unknown})
    expect(parseAny({...patch.uiEvent.payload, '@type': 'type.googleapis.com/x.Y'})).toMatchObject({ok: false})
    expect(parseAny(patch.uiEvent.payload, 'pinocchio.chatapp.v1.ChatRunStarted')).toMatchObject({ok: false})
  })

  it('wraps a payload in an Any that parses back, and maps every entity kind', () => {
    const any = toAny('pinocchio.chatapp.v1.ChatMessageEntity', {messageId: 'm', role: 'user', text: 'x'})
    expect(any['@type']).toBe('type.googleapis.com/pinocchio.chatapp.v1.ChatMessageEntity')
    expect(parseAny(any, ENTITY_PAYLOAD_TYPES.ChatMessage)).toMatchObject({ok: true, value: {text: 'x'}})
    expect(Object.keys(ENTITY_PAYLOAD_TYPES).sort()).toEqual(
      ['AgentMode', 'ChatFrontendToolCall', 'ChatMessage', 'ChatToolCall', 'ChatToolResult'].sort(),
    )
  })

  it('parses the snapshot body of GET /api/chat/sessions/{id}', () => {
    const body = {
      sessionId: 's1',
      snapshotOrdinal: '7',
      status: 'finished',
      entities: [
        {kind: 'ChatMessage', id: 'm', createdOrdinal: '1', lastEventOrdinal: '7', tombstone: false, payload: {text: 'x'}, createdAt: 1},
      ],
    }
    expect(SessionSnapshotResponseSchema.parse(body)).toEqual(body)
    expect(SessionSnapshotResponseSchema.safeParse({...body, snapshotOrdinal: 7}).success).toBe(false)
  })
})
