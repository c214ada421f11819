import {createHash} from 'node:crypto'
import {z} from 'zod'
import {canonicalJson, redactSecrets} from '../core/index.js'

export {canonicalJson}
import {ProviderConfigSchema} from '../providers/config.js'
import {McpServerSignatureSchema} from './profile-tools.js'
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
    /** Each MCP server the tools come from: its identity and its tools' schema hashes (absent when none). */
    mcp: z.record(z.string(), McpServerSignatureSchema).optional(),
  })
  .strict()
export type EngineConfig = z.infer<typeof EngineConfigSchema>

export interface Signature {
  /** Canonical JSON: sorted keys, no whitespace, secrets removed. */
  readonly canonical: string
  /** Short sha256 prefix of `canonical`, for display. */
  readonly hash: string
}

export const SIGNATURE_HASH_LENGTH = 12

export function signatureOf(config: EngineConfig): Signature {
  const canonical = canonicalJson(redactSecrets(config))
  return {canonical, hash: createHash('sha256').update(canonical).digest('hex').slice(0, SIGNATURE_HASH_LENGTH)}
}
