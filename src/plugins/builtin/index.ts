import {z} from 'zod'
import {DefaultToolExecutor, systemPromptMiddleware, toolResultReorderMiddleware} from '../../core/index.js'
import {defineMiddleware, definePlugin, defineToolExecutor} from '../api.js'
import {allowlistContribution} from './executors/allowlist.js'
import {dryRunContribution} from './executors/dry-run.js'
import {redactContribution} from './middlewares/redact.js'
import {memorySubscriberContribution} from './subscribers/memory.js'
import {otelSubscriberContribution} from './subscribers/otel.js'
import {redisSubscriberContribution} from './redis-subscriber.js'
import {calcTool} from './tools/calc.js'
import {clockTool} from './tools/clock.js'

export const BUILTIN_PLUGIN_NAME = 'jiminy-builtins'

/** The built-in plugin, declared through the same API as third-party ones. */
export const builtinPlugin = definePlugin({
  name: BUILTIN_PLUGIN_NAME,
  version: '1.1.0',
  middlewares: [
    defineMiddleware({
      name: 'system-prompt',
      description: 'insert one marked system block (idempotent)',
      config: z.object({prompt: z.string()}).strict(),
      create: ({prompt}) => systemPromptMiddleware(prompt),
    }),
    defineMiddleware({
      name: 'tool-result-reorder',
      description: 'keep each tool result right after its call',
      config: z.object({}).strict(),
      create: () => toolResultReorderMiddleware(),
    }),
    redactContribution,
  ],
  toolExecutors: [
    defineToolExecutor({
      name: 'default',
      description: "run the registry's tool with a per-call timeout",
      config: z.object({}).strict(),
      create: () => new DefaultToolExecutor(),
    }),
    allowlistContribution,
    dryRunContribution,
  ],
  subscribers: [memorySubscriberContribution, redisSubscriberContribution, otelSubscriberContribution],
  tools: [calcTool, clockTool],
})
