import type {Engine, ToolDefinition} from '../core/index.js'
import {AnthropicEngine} from './anthropic/anthropic-engine.js'
import type {ProviderConfig, ProviderType} from './config.js'
import {GeminiEngine} from './gemini/gemini-engine.js'
import type {ProviderEngineOptions} from './http/provider-engine-options.js'
import {MockEngine} from './mock/mock-engine.js'
import {OpenAiChatEngine} from './openai-chat/openai-chat-engine.js'
import {OpenAiResponsesEngine} from './openai-responses/openai-responses-engine.js'

export * from './config.js'
export {MockEngine, MOCK_SCENARIOS, type MockScenario} from './mock/mock-engine.js'
export {OpenAiChatEngine} from './openai-chat/openai-chat-engine.js'
export {OpenAiResponsesEngine} from './openai-responses/openai-responses-engine.js'
export {AnthropicEngine} from './anthropic/anthropic-engine.js'
export {GeminiEngine} from './gemini/gemini-engine.js'
export type {ProviderEngineOptions} from './http/provider-engine-options.js'
export {startCassetteRecorder, startCassetteReplay, type CassetteHandle} from './cassette/index.js'

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

export const DEFAULT_KEY_VARIABLES: Record<RealProvider, string | undefined> = {
  'openai-chat': 'OPENAI_API_KEY',
  'openai-responses': 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  gemini: 'GEMINI_API_KEY',
  'openai-compatible': undefined,
}

/** Builds the engine a provider block describes. A missing key is an error naming the variable. */
export function createEngine(config: ProviderConfig, deps: EngineDeps): Engine {
  if (config.type === 'mock') {
    return new MockEngine({
      model: config.model ?? 'mock-1',
      ...(config.delay_ms !== undefined ? {delayMs: config.delay_ms} : {}),
      ...(config.scenario !== undefined ? {scenario: config.scenario} : {}),
    })
  }
  const options = engineOptions(config.type, config, deps)
  switch (config.type) {
    case 'openai-chat':
      return new OpenAiChatEngine({...options, flavor: 'openai'})
    case 'openai-compatible':
      return new OpenAiChatEngine({...options, flavor: 'compatible'})
    case 'openai-responses':
      return new OpenAiResponsesEngine(options)
    case 'anthropic':
      return new AnthropicEngine(options)
    case 'gemini':
      return new GeminiEngine(options)
  }
}

function engineOptions(type: RealProvider, config: ProviderConfig, deps: EngineDeps): ProviderEngineOptions {
  if (!config.model) throw new Error(`provider ${type} needs a model: set provider.model or pass --model`)
  const env = deps.env ?? process.env
  const variable = config.api_key_env ?? DEFAULT_KEY_VARIABLES[type]
  const apiKey = variable ? env[variable] : undefined
  if (variable && !apiKey) throw new Error(`missing API key for provider ${type}: set the ${variable} environment variable`)
  return {
    model: config.model,
    baseUrl: (config.base_url ?? DEFAULT_BASE_URLS[type]).replace(/\/+$/, ''),
    ...(apiKey ? {apiKey} : {}),
    ...(config.temperature !== undefined ? {temperature: config.temperature} : {}),
    ...(config.max_tokens !== undefined ? {maxTokens: config.max_tokens} : {}),
    ...(config.reasoning !== undefined ? {reasoning: config.reasoning} : {}),
    tools: deps.tools,
    http: {
      label: type,
      ...(deps.fetch ? {fetch: deps.fetch} : {}),
      ...(config.max_retries !== undefined ? {maxRetries: config.max_retries} : {}),
      ...(config.stall_timeout_ms !== undefined ? {stallTimeoutMs: config.stall_timeout_ms} : {}),
      ...(apiKey ? {secrets: [apiKey]} : {}),
    },
  }
}
