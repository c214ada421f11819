import type {ToolDefinition} from '../../core/index.js'
import type {ProviderHttpOptions} from './provider-http-options.js'

/** What every real engine needs; createEngine fills it from a provider block and the environment. */
export interface ProviderEngineOptions {
  readonly model: string
  /** API root including its version segment, without a trailing slash (e.g. https://api.openai.com/v1). */
  readonly baseUrl: string
  /** Undefined for servers that need none (openai-compatible). Never logged or stored. */
  readonly apiKey?: string
  readonly temperature?: number
  readonly maxTokens?: number
  /** Provider-specific reasoning settings, passed through (see docs/providers.md). */
  readonly reasoning?: Record<string, unknown>
  readonly tools: readonly ToolDefinition[]
  readonly http: ProviderHttpOptions
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}
