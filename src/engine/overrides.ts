import {z} from 'zod'
import {ProviderConfigSchema} from '../providers/config.js'
import {ContributionRefSchema, LoopConfigSchema} from './profiles.js'

/** What a client may change per conversation over HTTP (`/chat` body `overrides`). */
export const OverridesSchema = z
  .object({
    system_prompt: z.string().max(100_000).nullable().optional(),
    middlewares: z.array(ContributionRefSchema).max(32).optional(),
    tools: z.array(z.string().min(1)).max(64).optional(),
    step_mode: z.boolean().optional(),
  })
  .strict()
export type Overrides = z.infer<typeof OverridesSchema>

/** Loop fields without their defaults, so overriding one never resets the others. */
const LoopOverridesSchema = z
  .object({
    max_iterations: LoopConfigSchema.shape.max_iterations.unwrap().optional(),
    timeout_ms: LoopConfigSchema.shape.timeout_ms.unwrap().optional(),
    single_pass: LoopConfigSchema.shape.single_pass.unwrap().optional(),
  })
  .strict()

/** Overrides plus what only the local CLI may change (`jiminy run` flags): provider and loop. */
export const EngineOverridesSchema = OverridesSchema.extend({
  provider: ProviderConfigSchema.partial().optional(),
  loop: LoopOverridesSchema.optional(),
}).strict()
export type EngineOverrides = z.infer<typeof EngineOverridesSchema>
