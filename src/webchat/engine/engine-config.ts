import {createHash} from 'node:crypto'
import {z} from 'zod'
import {redactSecrets} from '../../core/index.js'
import {ProviderConfigSchema} from '../../providers/index.js'
import {ContributionRefSchema, LoopConfigSchema} from './profiles.js'

/** Every input that shapes a conversation's engine. Its canonical JSON is the signature. */
export const EngineConfigSchema = z
  .object({
    profile: z.string(),
    provider: ProviderConfigSchema,
    system_prompt: z.string().nullable(),
    middlewares: z.array(ContributionRefSchema),
    tools: z.array(z.string()),
    tool_executor: ContributionRefSchema,
    subscribers: z.array(ContributionRefSchema).default([]),
    loop: LoopConfigSchema,
    step_mode: z.boolean(),
    /** name → version (packages) or content hash (local files), for every plugin the config uses. */
    plugins: z.record(z.string(), z.string()),
  })
  .strict()
export type EngineConfig = z.infer<typeof EngineConfigSchema>

export interface Signature {
  /** Canonical JSON: sorted keys, no whitespace, secrets removed. */
  readonly canonical: string
  /** Short sha256 prefix of `canonical`, for display. */
  readonly hash: string
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key]
      if (v !== undefined) out[key] = sortKeys(v)
    }
    return out
  }
  return value
}

export const SIGNATURE_HASH_LENGTH = 12

export function signatureOf(config: EngineConfig): Signature {
  const canonical = canonicalJson(redactSecrets(config))
  return {canonical, hash: createHash('sha256').update(canonical).digest('hex').slice(0, SIGNATURE_HASH_LENGTH)}
}
