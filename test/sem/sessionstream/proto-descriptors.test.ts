import {describe, expect, it} from 'vitest'
import {parseProtoJson} from './proto-descriptors.js'

// The descriptors themselves must reject what protojson rejects, or the frame tests prove nothing.
describe('descriptors written from the .proto specs', () => {
  const patch = {
    uiEvent: {
      sessionId: 's',
      eventOrdinal: '18446744073709551615',
      name: 'ChatTextPatch',
      payload: {
        '@type': 'type.googleapis.com/pinocchio.chatapp.v1.ChatTextPatch',
        messageId: 'm',
        sequence: '1',
        mode: 'CHAT_STREAM_PATCH_MODE_APPEND',
      },
    },
  }
  it('accepts a well-formed uiEvent frame with an Any payload', () => {
    expect(() => parseProtoJson('sessionstream.v1.ServerFrame', patch)).not.toThrow()
  })
  it('rejects an unknown field, an unknown enum name, a second oneof case and an unknown @type', () => {
    expect(() => parseProtoJson('sessionstream.v1.ServerFrame', {...patch, extra: 1})).toThrow()
    expect(() =>
      parseProtoJson('sessionstream.v1.ServerFrame', {uiEvent: {...patch.uiEvent, payload: {...patch.uiEvent.payload, colour: 'red'}}}),
    ).toThrow()
    expect(() =>
      parseProtoJson('sessionstream.v1.ServerFrame', {uiEvent: {...patch.uiEvent, payload: {...patch.uiEvent.payload, mode: 'SIDEWAYS'}}}),
    ).toThrow()
    expect(() => parseProtoJson('sessionstream.v1.ServerFrame', {hello: {}, ping: {}})).toThrow()
    expect(() => parseProtoJson('sessionstream.v1.ServerFrame', {uiEvent: {payload: {'@type': 'type.googleapis.com/x.Nope'}}})).toThrow()
  })
  it('parses frontend-tool payloads with Struct fields and an attachment map', () => {
    expect(() =>
      parseProtoJson('pinocchio.chatapp.frontendtools.v1.FrontendToolCallRequested', {
        toolCallId: 'c',
        input: {a: [1, {b: null}]},
        mode: 'TOOL_EXECUTION_MODE_FRONTEND_HUMAN',
      }),
    ).not.toThrow()
    expect(() => parseProtoJson('pinocchio.chatapp.v1.ChatAttachment', {metadata: {k: 'v'}, sizeBytes: '12'})).not.toThrow()
  })
})
