import type {Engine} from '../core/engine.js'
import {AnthropicEngine} from './anthropic/anthropic-engine.js'
import type {ProviderConfig} from './config.js'
import {GeminiEngine} from './gemini/gemini-engine.js'
import {MockEngine} from './mock/mock-engine.js'
import {OpenAiChatEngine} from './openai-chat/openai-chat-engine.js'
import {OpenAiResponsesEngine} from './openai-responses/openai-responses-engine.js'
import {engineRecipe, type EngineDeps, type EngineRecipe} from './provider-env.js'

// The providers barrel loads every engine class (45 modules). Commands and the engine layer import
// provider-env.js / engine-registry.js instead, which load an engine's module only when one is built.

export * from './config.js'
export * from './provider-setup-error.js'
export * from './provider-env.js'
export {createLazyEngine} from './engine-registry.js'
export {normalizeUsage, type NormalizedUsage} from './http/normalize-usage.js'
export {MockEngine, MOCK_SCENARIOS, type MockScenario} from './mock/mock-engine.js'
export {OpenAiChatEngine} from './openai-chat/openai-chat-engine.js'
export {OpenAiResponsesEngine} from './openai-responses/openai-responses-engine.js'
export {AnthropicEngine} from './anthropic/anthropic-engine.js'
export {GeminiEngine} from './gemini/gemini-engine.js'
export type {ProviderEngineOptions} from './http/provider-engine-options.js'
export {startCassetteRecorder, startCassetteReplay, type CassetteHandle} from './cassette/index.js'

/**
 * Builds the engine a provider block describes (an instance of its class, at once). Throws
 * ProviderSetupError naming the field or variable. createLazyEngine is the same without loading
 * the class until the first inference.
 */
export function createEngine(config: ProviderConfig, deps: EngineDeps): Engine {
  return engineOf(engineRecipe(config, deps))
}

function engineOf(recipe: EngineRecipe): Engine {
  switch (recipe.kind) {
    case 'mock':
      return new MockEngine(recipe.options)
    case 'openai-chat':
      return new OpenAiChatEngine(recipe.options)
    case 'openai-responses':
      return new OpenAiResponsesEngine(recipe.options)
    case 'anthropic':
      return new AnthropicEngine(recipe.options)
    case 'gemini':
      return new GeminiEngine(recipe.options)
  }
}
