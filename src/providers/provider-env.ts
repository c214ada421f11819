import {registerSecret} from '../core/redact.js'
import type {ToolDefinition} from '../core/tools/registry.js'
import {ENV_REFERENCE, type ProviderConfig, type ProviderType} from './config.js'
import type {ProviderEngineOptions} from './http/provider-engine-options.js'
import type {MockEngineOptions} from './mock/mock-engine.js'
import {isMockScenario} from './mock/scenarios.js'
import type {OpenAiChatEngineOptions} from './openai-chat/openai-chat-engine.js'
import {ProviderSetupError} from './provider-setup-error.js'

// What a provider block plus the environment make of an engine, without loading any engine module:
// the config-only commands (signature, profiles, diff) and the lazy engine registry start here.

export interface EngineDeps {
  /** Tools the engine may offer the model (real providers send their JSON schemas). */
  readonly tools: readonly ToolDefinition[]
  /** Where keys come from; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv
  /** HTTP client; defaults to the global fetch, looked up at request time (so cassettes and msw see it). */
  readonly fetch?: typeof fetch
}

type RealProvider = Exclude<ProviderType, 'mock'>

export const DEFAULT_BASE_URLS: Record<RealProvider, string> = {
  'openai-chat': 'https://api.openai.com/v1',
  'openai-responses': 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  'openai-compatible': 'http://127.0.0.1:11434/v1',
}

/** Where each provider's key is looked for when the block has no `api_key_env`, first found wins. */
export const DEFAULT_KEY_VARIABLES: Record<RealProvider, readonly string[]> = {
  'openai-chat': ['OPENAI_API_KEY'],
  'openai-responses': ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  // Google's own SDKs read GOOGLE_API_KEY too.
  gemini: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  'openai-compatible': [],
}

/**
 * The base URL variables the providers' own SDKs read, used when the block has no `base_url`.
 * ANTHROPIC_BASE_URL is the API root without `/v1` (as the Anthropic SDK takes it); `/v1` is added.
 */
export const BASE_URL_VARIABLES: Partial<Record<RealProvider, {readonly variable: string; readonly suffix: string}>> = {
  'openai-chat': {variable: 'OPENAI_BASE_URL', suffix: ''},
  'openai-responses': {variable: 'OPENAI_BASE_URL', suffix: ''},
  anthropic: {variable: 'ANTHROPIC_BASE_URL', suffix: '/v1'},
}

/** OpenAI's organization and project, from the variables the OpenAI SDK reads. */
const OPENAI_ACCOUNT_HEADERS = {'OpenAI-Organization': 'OPENAI_ORG_ID', 'OpenAI-Project': 'OPENAI_PROJECT_ID'} as const

/** Everything an engine class needs, checked against the environment; the class itself is loaded later. */
export type EngineRecipe =
  | {readonly kind: 'mock'; readonly options: MockEngineOptions}
  | {readonly kind: 'openai-chat'; readonly options: OpenAiChatEngineOptions}
  | {readonly kind: 'openai-responses' | 'anthropic' | 'gemini'; readonly options: ProviderEngineOptions}

/**
 * The engine a provider block describes, with the environment conventions of the providers' SDKs
 * (docs/providers.md), as options for its class. Throws ProviderSetupError naming the field or
 * variable, before any engine module is loaded.
 */
export function engineRecipe(config: ProviderConfig, deps: EngineDeps): EngineRecipe {
  if (config.type === 'mock') {
    // The MockEngine constructor's own check, here so a bad scenario fails when the engine is built.
    if (config.scenario !== undefined && !isMockScenario(config.scenario))
      throw new Error(`unknown mock scenario ${JSON.stringify(config.scenario)}`)
    return {
      kind: 'mock',
      options: {
        model: config.model ?? 'mock-1',
        ...(config.delay_ms !== undefined ? {delayMs: config.delay_ms} : {}),
        ...(config.scenario !== undefined ? {scenario: config.scenario} : {}),
      },
    }
  }
  const options = engineOptions(config.type, config, deps)
  switch (config.type) {
    case 'openai-chat':
      return {kind: 'openai-chat', options: {...options, flavor: 'openai'}}
    case 'openai-compatible':
      return {kind: 'openai-chat', options: {...options, flavor: 'compatible'}}
    case 'openai-responses':
    case 'anthropic':
    case 'gemini':
      return {kind: config.type, options}
  }
}

/**
 * What can be checked of a provider block without its key or the network, at config load: so a
 * profile without a `model` is a start-up error naming the field, not an "internal error" later.
 */
export function checkProviderConfig(config: ProviderConfig): void {
  if (config.type !== 'mock' && !config.model)
    throw new ProviderSetupError(
      'bad_config',
      `provider ${config.type} needs a model: set provider.model or pass --model`,
      'provider.model',
    )
}

function engineOptions(type: RealProvider, config: ProviderConfig, deps: EngineDeps): ProviderEngineOptions {
  checkProviderConfig(config)
  const model = config.model ?? ''
  const env = deps.env ?? process.env
  const variables = config.api_key_env ? [config.api_key_env] : DEFAULT_KEY_VARIABLES[type]
  const apiKey = variables.map((name) => env[name]).find((value) => value !== undefined && value !== '')
  registerSecret(apiKey)
  if (variables.length > 0 && !apiKey) {
    throw new ProviderSetupError(
      'missing_api_key',
      `missing API key for provider ${type}: set the ${variables.join(' or ')} environment variable`,
      'provider.api_key_env',
    )
  }
  const headers = providerHeaders(type, config, env)
  return {
    model,
    baseUrl: baseUrlOf(type, config, env),
    ...(apiKey ? {apiKey} : {}),
    ...(Object.keys(headers.values).length > 0 ? {headers: headers.values} : {}),
    ...(config.temperature !== undefined ? {temperature: config.temperature} : {}),
    ...(config.max_tokens !== undefined ? {maxTokens: config.max_tokens} : {}),
    ...(config.reasoning !== undefined ? {reasoning: config.reasoning} : {}),
    tools: deps.tools,
    http: {
      label: type,
      ...(deps.fetch ? {fetch: deps.fetch} : {}),
      ...(config.max_retries !== undefined ? {maxRetries: config.max_retries} : {}),
      ...(config.stall_timeout_ms !== undefined ? {stallTimeoutMs: config.stall_timeout_ms} : {}),
      ...(apiKey || headers.secrets.length > 0 ? {secrets: [...(apiKey ? [apiKey] : []), ...headers.secrets]} : {}),
    },
  }
}

function baseUrlOf(type: RealProvider, config: ProviderConfig, env: NodeJS.ProcessEnv): string {
  const fromEnv = BASE_URL_VARIABLES[type]
  const envUrl = fromEnv ? env[fromEnv.variable]?.trim() : undefined
  let url = config.base_url ?? DEFAULT_BASE_URLS[type]
  if (config.base_url === undefined && fromEnv && envUrl) {
    if (!URL.canParse(envUrl))
      throw new ProviderSetupError('bad_config', `${fromEnv.variable} is not a URL: ${JSON.stringify(envUrl)}`, 'provider.base_url')
    const trimmed = envUrl.replace(/\/+$/, '')
    url = fromEnv.suffix && !trimmed.endsWith(fromEnv.suffix) ? `${trimmed}${fromEnv.suffix}` : trimmed
  }
  return url.replace(/\/+$/, '')
}

/** The block's `headers` with `${VAR}` expanded, plus OpenAI's organization/project; values read from the environment are secrets. */
function providerHeaders(
  type: RealProvider,
  config: ProviderConfig,
  env: NodeJS.ProcessEnv,
): {values: Record<string, string>; secrets: string[]} {
  const values: Record<string, string> = {}
  const secrets: string[] = []
  if (type === 'openai-chat' || type === 'openai-responses') {
    for (const [header, variable] of Object.entries(OPENAI_ACCOUNT_HEADERS)) {
      const value = env[variable]
      if (value) values[header] = value
    }
  }
  for (const [name, template] of Object.entries(config.headers ?? {})) {
    values[name] = template.replace(ENV_REFERENCE, (_match, variable: string) => {
      const value = env[variable]
      if (value === undefined || value === '')
        throw new ProviderSetupError(
          'bad_config',
          `provider.headers.${name} needs the ${variable} environment variable`,
          `provider.headers.${name}`,
        )
      secrets.push(value)
      registerSecret(value)
      return value
    })
  }
  return {values, secrets}
}

/** Registers every provider key the environment holds for these blocks (named by api_key_env or the defaults), so it is scrubbed by value. */
export function registerProviderSecrets(providers: readonly Pick<ProviderConfig, 'api_key_env'>[], env: NodeJS.ProcessEnv): void {
  const names = new Set(Object.values(DEFAULT_KEY_VARIABLES).flat())
  for (const p of providers) if (p.api_key_env) names.add(p.api_key_env)
  for (const name of names) registerSecret(env[name])
}
