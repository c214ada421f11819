import {create, createFileRegistry, fromJson, type DescMessage, type FileRegistry, type JsonValue} from '@bufbuild/protobuf'
import {
  DescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_any,
  file_google_protobuf_struct,
  type DescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
} from '@bufbuild/protobuf/wkt'

/**
 * Message descriptors for sessionstream.v1 (sessionstream proto/sessionstream/v1/transport.proto)
 * and pinocchio.chatapp.v1 / frontendtools.v1 (pinocchio proto/pinocchio/chatapp/**, f7768197),
 * written as tables from those specs and turned into FileDescriptorProtos, so every frame a test
 * gets is parsed by @bufbuild/protobuf's protojson reader (unknown fields rejected), not by our own
 * zod schemas.
 *
 * A field is `[name, number, type, label?]`: label `repeated`, `optional` (proto3 optional) or
 * `oneof:<name>`; a `map<string,string>` type becomes its MapEntry.
 */
type Field = (string | number)[]
type Messages = Record<string, Field[]>
type Enums = Record<string, string[]>

export const TRANSPORT_MESSAGES: Messages = {
  ClientFrame: [
    ['subscribe', 1, 'SubscribeRequest', 'oneof:frame'],
    ['unsubscribe', 2, 'UnsubscribeRequest', 'oneof:frame'],
    ['ping', 3, 'PingFrame', 'oneof:frame'],
    ['pong', 4, 'PongFrame', 'oneof:frame'],
  ],
  ServerFrame: [
    ['hello', 1, 'HelloFrame', 'oneof:frame'],
    ['snapshot', 2, 'SnapshotFrame', 'oneof:frame'],
    ['subscribed', 3, 'SubscribedFrame', 'oneof:frame'],
    ['unsubscribed', 4, 'UnsubscribedFrame', 'oneof:frame'],
    ['ui_event', 5, 'UiEventFrame', 'oneof:frame'],
    ['error', 6, 'ErrorFrame', 'oneof:frame'],
    ['ping', 7, 'PingFrame', 'oneof:frame'],
    ['pong', 8, 'PongFrame', 'oneof:frame'],
  ],
  HelloFrame: [['connection_id', 1, 'string']],
  SubscribeRequest: [
    ['session_id', 1, 'string'],
    ['since_snapshot_ordinal', 2, 'uint64'],
  ],
  UnsubscribeRequest: [['session_id', 1, 'string']],
  SubscribedFrame: [
    ['session_id', 1, 'string'],
    ['since_snapshot_ordinal', 2, 'uint64'],
  ],
  UnsubscribedFrame: [['session_id', 1, 'string']],
  SnapshotFrame: [
    ['session_id', 1, 'string'],
    ['snapshot_ordinal', 2, 'uint64'],
    ['entities', 3, 'SnapshotEntity', 'repeated'],
  ],
  SnapshotEntity: [
    ['kind', 1, 'string'],
    ['id', 2, 'string'],
    ['created_ordinal', 3, 'uint64'],
    ['last_event_ordinal', 4, 'uint64'],
    ['tombstone', 5, 'bool'],
    ['payload', 6, 'google.protobuf.Any'],
  ],
  UiEventFrame: [
    ['session_id', 1, 'string'],
    ['event_ordinal', 2, 'uint64'],
    ['name', 3, 'string'],
    ['payload', 4, 'google.protobuf.Any'],
  ],
  ErrorFrame: [
    ['code', 1, 'string'],
    ['message', 2, 'string'],
    ['session_id', 3, 'string'],
    ['detail', 4, 'string'],
  ],
  PingFrame: [['nonce', 1, 'string']],
  PongFrame: [['nonce', 1, 'string']],
}
export const TRANSPORT_ENUMS: Enums = {}
export const CHAT_MESSAGES: Messages = {
  ChatAttachment: [
    ['attachment_id', 1, 'string'],
    ['kind', 2, 'string'],
    ['media_type', 3, 'string'],
    ['url', 4, 'string'],
    ['size_bytes', 5, 'uint64'],
    ['width', 6, 'uint32'],
    ['height', 7, 'uint32'],
    ['filename', 8, 'string'],
    ['detail', 9, 'string'],
    ['metadata', 10, 'map<string,string>'],
  ],
  StartInferenceCommand: [
    ['prompt', 1, 'string'],
    ['idempotency_key', 2, 'string'],
    ['request_id', 3, 'string'],
    ['attachments', 4, 'ChatAttachment', 'repeated'],
  ],
  StopInferenceCommand: [],
  UsageInfo: [
    ['input_tokens', 1, 'int32'],
    ['output_tokens', 2, 'int32'],
    ['cached_tokens', 3, 'int32'],
    ['cache_creation_input_tokens', 4, 'int32'],
    ['cache_read_input_tokens', 5, 'int32'],
  ],
  CorrelationInfo: [
    ['session_id', 1, 'string'],
    ['run_id', 2, 'string'],
    ['turn_id', 4, 'string'],
    ['provider_call_id', 5, 'string'],
    ['segment_id', 15, 'string'],
    ['tool_call_id', 19, 'string'],
  ],
  ChatRunStarted: [
    ['message_id', 1, 'string'],
    ['prompt', 2, 'string'],
    ['correlation', 3, 'CorrelationInfo'],
  ],
  ChatRunFinished: [
    ['message_id', 1, 'string'],
    ['status', 2, 'string'],
    ['error', 3, 'string'],
    ['duration_ms', 4, 'int64', 'optional'],
    ['correlation', 5, 'CorrelationInfo'],
  ],
  ChatRunStopped: [
    ['message_id', 1, 'string'],
    ['status', 2, 'string'],
    ['error', 3, 'string'],
    ['correlation', 4, 'CorrelationInfo'],
  ],
  ChatRunFailed: [
    ['message_id', 1, 'string'],
    ['status', 2, 'string'],
    ['error', 3, 'string'],
    ['correlation', 4, 'CorrelationInfo'],
  ],
  ChatProviderCallStarted: [['correlation', 1, 'CorrelationInfo']],
  ChatProviderCallMetadataUpdated: [
    ['stop_reason', 1, 'string'],
    ['usage', 2, 'UsageInfo'],
    ['correlation', 3, 'CorrelationInfo'],
  ],
  ChatProviderCallFinished: [
    ['stop_reason', 1, 'string'],
    ['finish_class', 2, 'string'],
    ['usage', 3, 'UsageInfo'],
    ['duration_ms', 4, 'int64', 'optional'],
    ['has_tool_calls', 5, 'bool'],
    ['correlation', 6, 'CorrelationInfo'],
  ],
  ChatTextSegmentStarted: [
    ['message_id', 1, 'string'],
    ['role', 2, 'string'],
    ['prompt', 3, 'string'],
    ['status', 4, 'string'],
    ['streaming', 5, 'bool'],
    ['correlation', 6, 'CorrelationInfo'],
  ],
  ChatTextPatch: [
    ['message_id', 1, 'string'],
    ['role', 2, 'string'],
    ['stream_id', 3, 'string'],
    ['sequence', 4, 'uint64'],
    ['offset', 5, 'uint64'],
    ['text', 6, 'string'],
    ['mode', 7, 'ChatStreamPatchMode'],
    ['status', 8, 'string'],
    ['final', 9, 'bool'],
    ['finish_reason', 10, 'string'],
    ['prompt', 11, 'string'],
    ['correlation', 12, 'CorrelationInfo'],
  ],
  ChatTextDelta: [
    ['message_id', 1, 'string'],
    ['text', 2, 'string'],
    ['mode', 3, 'ChatStreamPatchMode'],
    ['final', 4, 'bool'],
  ],
  ChatTextSegmentFinished: [
    ['message_id', 1, 'string'],
    ['role', 2, 'string'],
    ['prompt', 3, 'string'],
    ['text', 4, 'string'],
    ['content', 5, 'string'],
    ['status', 6, 'string'],
    ['streaming', 7, 'bool'],
    ['final', 8, 'bool'],
    ['finish_reason', 9, 'string'],
    ['correlation', 10, 'CorrelationInfo'],
  ],
  ChatReasoningDelta: [
    ['message_id', 1, 'string'],
    ['parent_message_id', 2, 'string'],
    ['text', 3, 'string'],
    ['mode', 4, 'ChatStreamPatchMode'],
    ['final', 5, 'bool'],
  ],
  ChatReasoningSegmentStarted: [
    ['message_id', 1, 'string'],
    ['parent_message_id', 2, 'string'],
    ['role', 3, 'string'],
    ['status', 4, 'string'],
    ['streaming', 5, 'bool'],
    ['source', 6, 'string'],
    ['correlation', 7, 'CorrelationInfo'],
  ],
  ChatReasoningPatch: [
    ['message_id', 1, 'string'],
    ['parent_message_id', 2, 'string'],
    ['role', 3, 'string'],
    ['stream_id', 4, 'string'],
    ['sequence', 5, 'uint64'],
    ['offset', 6, 'uint64'],
    ['text', 7, 'string'],
    ['mode', 8, 'ChatStreamPatchMode'],
    ['status', 9, 'string'],
    ['final', 10, 'bool'],
    ['source', 11, 'string'],
    ['finish_reason', 12, 'string'],
    ['correlation', 13, 'CorrelationInfo'],
  ],
  ChatReasoningSegmentFinished: [
    ['message_id', 1, 'string'],
    ['parent_message_id', 2, 'string'],
    ['role', 3, 'string'],
    ['text', 4, 'string'],
    ['content', 5, 'string'],
    ['status', 6, 'string'],
    ['streaming', 7, 'bool'],
    ['source', 8, 'string'],
    ['finish_reason', 9, 'string'],
    ['correlation', 10, 'CorrelationInfo'],
  ],
  ChatToolCallStarted: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['input', 4, 'string'],
    ['executing', 5, 'bool'],
    ['status', 6, 'string'],
    ['correlation', 7, 'CorrelationInfo'],
  ],
  ChatToolArgumentsDelta: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['arguments', 4, 'string'],
    ['mode', 5, 'ChatStreamPatchMode'],
    ['final', 6, 'bool'],
  ],
  ChatToolArgumentsPatch: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['stream_id', 4, 'string'],
    ['sequence', 5, 'uint64'],
    ['offset', 6, 'uint64'],
    ['arguments', 7, 'string'],
    ['mode', 8, 'ChatStreamPatchMode'],
    ['status', 9, 'string'],
    ['final', 10, 'bool'],
    ['correlation', 11, 'CorrelationInfo'],
  ],
  ChatToolCallRequested: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['input', 4, 'string'],
    ['executing', 5, 'bool'],
    ['status', 6, 'string'],
    ['correlation', 7, 'CorrelationInfo'],
  ],
  ChatToolExecutionStarted: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['input', 4, 'string'],
    ['executing', 5, 'bool'],
    ['status', 6, 'string'],
    ['correlation', 7, 'CorrelationInfo'],
  ],
  ChatToolResultReady: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['result', 4, 'string'],
    ['status', 5, 'string'],
    ['correlation', 6, 'CorrelationInfo'],
  ],
  ChatToolCallFinished: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['status', 4, 'string'],
    ['correlation', 5, 'CorrelationInfo'],
  ],
  ChatUserMessageAccepted: [
    ['message_id', 1, 'string'],
    ['role', 2, 'string'],
    ['prompt', 3, 'string'],
    ['text', 4, 'string'],
    ['content', 5, 'string'],
    ['status', 6, 'string'],
    ['attachments', 7, 'ChatAttachment', 'repeated'],
  ],
  ChatMessageEntity: [
    ['message_id', 1, 'string'],
    ['role', 2, 'string'],
    ['prompt', 3, 'string'],
    ['text', 4, 'string'],
    ['content', 5, 'string'],
    ['status', 6, 'string'],
    ['streaming', 7, 'bool'],
    ['error', 8, 'string'],
    ['parent_message_id', 9, 'string'],
    ['segment', 10, 'int32'],
    ['segment_type', 11, 'string'],
    ['final', 12, 'bool'],
    ['correlation', 13, 'CorrelationInfo'],
    ['attachments', 14, 'ChatAttachment', 'repeated'],
  ],
  AgentModePreviewUpdate: [
    ['message_id', 1, 'string'],
    ['candidate_mode', 2, 'string'],
    ['analysis', 3, 'string'],
    ['parse_state', 4, 'string'],
    ['preview', 5, 'bool'],
  ],
  AgentModeCommittedUpdate: [
    ['message_id', 1, 'string'],
    ['title', 2, 'string'],
    ['from', 3, 'string'],
    ['to', 4, 'string'],
    ['analysis', 5, 'string'],
    ['preview', 6, 'bool'],
  ],
  AgentModePreviewCleared: [['message_id', 1, 'string']],
  AgentModeEntity: [
    ['message_id', 1, 'string'],
    ['title', 2, 'string'],
    ['from', 3, 'string'],
    ['to', 4, 'string'],
    ['analysis', 5, 'string'],
    ['preview', 6, 'bool'],
  ],
  ToolCallEntity: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['input', 4, 'string'],
    ['executing', 5, 'bool'],
    ['status', 6, 'string'],
    ['correlation', 7, 'CorrelationInfo'],
  ],
  ToolResultEntity: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['result', 4, 'string'],
    ['status', 5, 'string'],
    ['correlation', 6, 'CorrelationInfo'],
  ],
}
export const CHAT_ENUMS: Enums = {
  ChatStreamPatchMode: [
    'CHAT_STREAM_PATCH_MODE_UNSPECIFIED',
    'CHAT_STREAM_PATCH_MODE_APPEND',
    'CHAT_STREAM_PATCH_MODE_SNAPSHOT',
    'CHAT_STREAM_PATCH_MODE_REPLACE',
  ],
}
export const FRONTEND_TOOLS_MESSAGES: Messages = {
  FrontendToolDescriptor: [
    ['name', 1, 'string'],
    ['description', 2, 'string'],
    ['input_schema', 3, 'google.protobuf.Struct'],
    ['mode', 4, 'ToolExecutionMode'],
    ['available', 5, 'bool'],
  ],
  FrontendToolManifestCommand: [
    ['tools', 1, 'FrontendToolDescriptor', 'repeated'],
    ['revision', 2, 'uint64'],
  ],
  FrontendToolManifestUpdated: [
    ['tools', 1, 'FrontendToolDescriptor', 'repeated'],
    ['revision', 2, 'uint64'],
  ],
  FrontendToolCallRequested: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['input', 4, 'google.protobuf.Struct'],
    ['mode', 5, 'ToolExecutionMode'],
    ['status', 6, 'string'],
  ],
  FrontendToolResultCommand: [
    ['tool_call_id', 1, 'string'],
    ['tool_name', 2, 'string'],
    ['result', 3, 'google.protobuf.Struct'],
    ['status', 4, 'string'],
    ['error', 5, 'string'],
  ],
  FrontendToolResultReceived: [
    ['message_id', 1, 'string'],
    ['tool_call_id', 2, 'string'],
    ['tool_name', 3, 'string'],
    ['result', 4, 'google.protobuf.Struct'],
    ['status', 5, 'string'],
    ['error', 6, 'string'],
  ],
  FrontendToolCallEntity: [
    ['tool_call_id', 1, 'string'],
    ['tool_name', 2, 'string'],
    ['parent_message_id', 3, 'string'],
    ['mode', 4, 'ToolExecutionMode'],
    ['status', 5, 'string'],
    ['input', 6, 'google.protobuf.Struct'],
    ['result', 7, 'google.protobuf.Struct'],
    ['error', 8, 'string'],
  ],
}
export const FRONTEND_TOOLS_ENUMS: Enums = {
  ToolExecutionMode: [
    'TOOL_EXECUTION_MODE_UNSPECIFIED',
    'TOOL_EXECUTION_MODE_FRONTEND_AUTO',
    'TOOL_EXECUTION_MODE_FRONTEND_HUMAN',
    'TOOL_EXECUTION_MODE_BACKEND',
  ],
}

const SCALARS: Record<string, Type> = {
  string: Type.STRING,
  bool: Type.BOOL,
  uint64: Type.UINT64,
  int64: Type.INT64,
  int32: Type.INT32,
  uint32: Type.UINT32,
}

function scalar(name: string): Type {
  const type = SCALARS[name]
  if (type === undefined) throw new Error(`not a scalar: ${name}`)
  return type
}

function fieldOf(pkg: string, owner: string, enums: Enums, f: Field, oneofs: string[], nested: DescriptorProto[]): FieldDescriptorProto {
  const [name, number, type, label] = f as [string, number, string, string | undefined]
  // protoc fills json_name (lowerCamelCase); the protojson reader looks keys up by it.
  const jsonName = name.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase())
  const base = {name, jsonName, number, label: label === 'repeated' ? Label.REPEATED : Label.OPTIONAL}
  const map = /^map<(\w+),(\w+)>$/.exec(type)
  let typed: Partial<FieldDescriptorProto>
  if (map) {
    const entry = `${name.replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}Entry`
    nested.push(
      create(DescriptorProtoSchema, {
        name: entry,
        field: [
          {name: 'key', number: 1, label: Label.OPTIONAL, type: scalar(map[1]!)},
          {name: 'value', number: 2, label: Label.OPTIONAL, type: scalar(map[2]!)},
        ],
        options: {mapEntry: true},
      }),
    )
    typed = {label: Label.REPEATED, type: Type.MESSAGE, typeName: `.${pkg}.${owner}.${entry}`}
  } else if (type in SCALARS) typed = {type: scalar(type)}
  else if (type.includes('.')) typed = {type: Type.MESSAGE, typeName: `.${type}`}
  else if (type in enums) typed = {type: Type.ENUM, typeName: `.${pkg}.${type}`}
  else typed = {type: Type.MESSAGE, typeName: `.${pkg}.${type}`}
  let oneofIndex: number | undefined
  if (label?.startsWith('oneof:')) {
    const group = label.slice(6)
    if (!oneofs.includes(group)) oneofs.push(group)
    oneofIndex = oneofs.indexOf(group)
  } else if (label === 'optional') {
    oneofs.push(`_${name}`)
    oneofIndex = oneofs.length - 1
  }
  return {
    ...base,
    ...typed,
    ...(oneofIndex !== undefined ? {oneofIndex} : {}),
    ...(label === 'optional' ? {proto3Optional: true} : {}),
  } as FieldDescriptorProto
}

function fileOf(name: string, pkg: string, dependency: string[], messages: Messages, enums: Enums): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, {
    name,
    package: pkg,
    syntax: 'proto3',
    dependency,
    enumType: Object.entries(enums).map(([enumName, values]) => ({name: enumName, value: values.map((v, number) => ({name: v, number}))})),
    messageType: Object.entries(messages).map(([msgName, fields]) => {
      const oneofs: string[] = []
      const nested: DescriptorProto[] = []
      const field = fields.map((f) => fieldOf(pkg, msgName, enums, f, oneofs, nested))
      return {name: msgName, field, nestedType: nested, oneofDecl: oneofs.map((o) => ({name: o}))}
    }),
  })
}

const wkt = (file: string) =>
  file === 'google/protobuf/any.proto'
    ? file_google_protobuf_any
    : file === 'google/protobuf/struct.proto'
      ? file_google_protobuf_struct
      : undefined

/** One registry with the three files (and the well-known types they import). */
export const registry: FileRegistry = createFileRegistry(
  createFileRegistry(
    fileOf('sessionstream/v1/transport.proto', 'sessionstream.v1', ['google/protobuf/any.proto'], TRANSPORT_MESSAGES, TRANSPORT_ENUMS),
    wkt,
  ),
  createFileRegistry(fileOf('pinocchio/chatapp/v1/chat.proto', 'pinocchio.chatapp.v1', [], CHAT_MESSAGES, CHAT_ENUMS), wkt),
  createFileRegistry(
    fileOf(
      'pinocchio/chatapp/frontendtools/v1/frontend_tool.proto',
      'pinocchio.chatapp.frontendtools.v1',
      ['google/protobuf/struct.proto'],
      FRONTEND_TOOLS_MESSAGES,
      FRONTEND_TOOLS_ENUMS,
    ),
    wkt,
  ),
)

export function messageDesc(fullName: string): DescMessage {
  const desc = registry.getMessage(fullName)
  if (!desc) throw new Error(`no descriptor for ${fullName}`)
  return desc
}

/** Parses protojson text as `fullName` with @bufbuild/protobuf (Any payloads resolved in the registry); throws on any unknown field or bad value. */
export function parseProtoJson(fullName: string, json: string | JsonValue): void {
  fromJson(messageDesc(fullName), typeof json === 'string' ? (JSON.parse(json) as JsonValue) : json, {registry, ignoreUnknownFields: false})
}
