// The `jiminy-harness/plugin` entry: definePlugin and every type a plugin author touches.
export * from './api.js'
/** jiminy's own zod: contribution `config` schemas and `defineTool` args made with it always match. */
export {z} from 'zod'
export type {
  Block,
  BlockKind,
  Event,
  EventBody,
  EventMeta,
  EventSink,
  EventType,
  InferenceFn,
  JsonSchema,
  MetaExtra,
  Middleware,
  RunContext,
  StepAction,
  StepPhase,
  ToolCall,
  ToolDefinition,
  ToolExecutionContext,
  ToolExecutor,
  ToolRunContext,
  ToolUse,
  Turn,
} from '../core/index.js'
export {
  DefaultToolExecutor,
  newTurn,
  systemBlock,
  toolCallBlock,
  toolUseBlock,
  pendingToolCalls,
  appendBlocks,
  assistantTextBlock,
  blockText,
  lastUserText,
  newBlock,
  publish,
  toolCallOf,
  toolUseOf,
  userBlock,
} from '../core/index.js'
