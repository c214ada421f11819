import {z} from 'zod'

/** A header name that carries a credential: its value must come from the environment (`${VAR}`). */
export const SECRET_HEADER = /(auth|(^|[-_])(api[-_]?)?key($|[-_])|apikey|token|secret|cookie|password|session|signature)/i
/** `${NAME}`: the value of an environment variable, read when the engine is built. */
export const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

/** Extra HTTP headers of a provider block; a secret-looking one must be an `${ENV_VAR}` reference. */
const HeadersSchema = z
  .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name'), z.string())
  .superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      const fromEnv = value.replace(ENV_REFERENCE, '') !== value
      if (SECRET_HEADER.test(name) && !fromEnv) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message:
            'looks like a credential: put it in an environment variable and write "${VARIABLE}", so no secret is in the config or a signature',
        })
      }
    }
  })

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
    /** Extra HTTP headers sent with every request (after the provider's own, so they may override them). */
    headers: HeadersSchema.optional(),
  })
  .strict()
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>

export const DEFAULT_PROVIDER: ProviderConfig = {type: 'mock', model: 'mock-1'}
