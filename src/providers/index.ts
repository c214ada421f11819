import type {Engine, ToolDefinition} from '../core/index.js'
import type {ProviderConfig} from './config.js'
import {MockEngine} from './mock/mock-engine.js'

export * from './config.js'
export {MockEngine, MOCK_SCENARIOS, type MockScenario} from './mock/mock-engine.js'

export interface EngineDeps {
  /** Tools the engine may offer the model (real providers send their JSON schemas). */
  readonly tools: readonly ToolDefinition[]
  /** Where keys come from; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv
}

/** Builds the engine a provider block describes. A missing key is an error naming the variable. */
export function createEngine(config: ProviderConfig, deps: EngineDeps): Engine {
  switch (config.type) {
    case 'mock':
      return new MockEngine({
        model: config.model ?? 'mock-1',
        ...(config.delay_ms !== undefined ? {delayMs: config.delay_ms} : {}),
        ...(config.scenario !== undefined ? {scenario: config.scenario} : {}),
      })
    case 'openai-chat':
    case 'openai-responses':
    case 'anthropic':
    case 'gemini':
    case 'openai-compatible':
      throw new Error(`provider ${config.type} is not available yet; use --provider mock`)
  }
  void deps
}
