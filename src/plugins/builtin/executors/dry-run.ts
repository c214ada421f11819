import {z} from 'zod'
import type {ToolExecutor} from '../../../core/index.js'
import {defineToolExecutor} from '../../api.js'

export const DryRunConfigSchema = z.object({}).strict()

/**
 * Runs nothing: answers each call with what would have run (tool, validated arguments), so a
 * profile can be exercised against a real model without side effects.
 */
export function dryRunExecutor(): ToolExecutor {
  return {
    async execute(call, ctx) {
      const tool = ctx.registry.get(call.name)
      if (!tool) return {id: call.id, result: null, error: `unknown tool ${call.name}`}
      const checked = tool.validate(call.args)
      if (!checked.ok) return {id: call.id, result: null, error: checked.error}
      return {id: call.id, result: {dry_run: true, would_run: call.name, args: checked.args}}
    },
  }
}

export const dryRunContribution = defineToolExecutor({
  name: 'dry-run',
  description: 'answer each tool call with what would run, without running it',
  config: DryRunConfigSchema,
  create: () => dryRunExecutor(),
})
