import {z} from 'zod'

export const PROVIDER_TYPES = ['mock', 'openai-chat', 'openai-responses', 'anthropic', 'gemini', 'openai-compatible'] as const
export type ProviderType = (typeof PROVIDER_TYPES)[number]

/** The provider block of a profile. Keys never live here: only the name of the variable holding one. */
export const ProviderConfigSchema = z
  .object({
    type: z.enum(PROVIDER_TYPES),
    model: z.string().min(1).optional(),
    base_url: z.url().optional(),
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
      .optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    reasoning: z.record(z.string(), z.unknown()).optional(),
    /** Mock engine only: fixed scenario and per-chunk delay. */
    scenario: z.string().optional(),
    delay_ms: z.number().int().min(0).max(10_000).optional(),
    /** Abort a stream that sends nothing for this long. */
    stall_timeout_ms: z.number().int().positive().optional(),
    /** Retries of a 429/5xx answer before the first byte (default 2). */
    max_retries: z.number().int().min(0).max(10).optional(),
  })
  .strict()
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>

export const DEFAULT_PROVIDER: ProviderConfig = {type: 'mock', model: 'mock-1'}
