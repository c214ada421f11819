import {z} from 'zod'
import {DefaultToolExecutor, type ToolExecutor} from '../../../core/index.js'
import {defineToolExecutor} from '../../api.js'

export const AllowlistConfigSchema = z
  .object({
    /** Tool names this profile may run; absent means the profile's own `tools` list. */
    allow: z.array(z.string().min(1)).max(64).optional(),
  })
  .strict()
export type AllowlistConfig = z.infer<typeof AllowlistConfigSchema>

/**
 * An authorizing executor: a call to a tool outside the allow list is answered with a tool error
 * (the model sees why) and never runs; allowed calls go through the default executor.
 */
export function allowlistExecutor(allow: readonly string[], inner: ToolExecutor = new DefaultToolExecutor()): ToolExecutor {
  const allowed = new Set(allow)
  const shown = [...allowed].sort().join(', ') || '(none)'
  return {
    async execute(call, ctx) {
      if (!allowed.has(call.name))
        return {id: call.id, result: null, error: `tool ${JSON.stringify(call.name)} is not allowed for this profile (allowed: ${shown})`}
      return inner.execute(call, ctx)
    },
  }
}

export const allowlistContribution = defineToolExecutor({
  name: 'allowlist',
  description: 'refuse tools not in `allow` (default: the profile tools) with a tool error',
  config: AllowlistConfigSchema,
  create: (config, ctx) => allowlistExecutor(config.allow ?? ctx.tools),
})
