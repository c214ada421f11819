import type {ToolDefinition} from '../../core/index.js'
import type {ProviderHttpOptions} from './provider-http-options.js'

/** What every real engine needs; createEngine fills it from a provider block and the environment. */
export interface ProviderEngineOptions {
  readonly model: string
  /** API root including its version segment, without a trailing slash (e.g. https://api.openai.com/v1). */
  readonly baseUrl: string
  /** Undefined for servers that need none (openai-compatible). Never logged or stored. */
  readonly apiKey?: string
  /** Extra headers (the block's `headers`, OpenAI organization/project); sent after the provider's own. */
  readonly headers?: Readonly<Record<string, string>>
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

/** The provider's own headers, then the extra ones; an extra header replaces one of the same name in any case. */
export function withExtraHeaders(own: Record<string, string>, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const names = new Set(Object.keys(extra).map((name) => name.toLowerCase()))
  const out = Object.fromEntries(Object.entries(own).filter(([name]) => !names.has(name.toLowerCase())))
  return {...out, ...extra}
}
