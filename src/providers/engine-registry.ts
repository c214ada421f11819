import type {Engine} from '../core/engine.js'
import type {ProviderConfig} from './config.js'
import {engineRecipe, type EngineDeps, type EngineRecipe} from './provider-env.js'

// One engine module per provider kind, imported when the first engine of that kind runs: a command
// that only reads configs (signature, profiles, diff) or runs one provider loads no other engine.
// Each loader is a `() => import(...)`; the switch keeps them exhaustive over EngineRecipe.
export async function constructEngine(recipe: EngineRecipe): Promise<Engine> {
  switch (recipe.kind) {
    case 'mock':
      return new (await import('./mock/mock-engine.js')).MockEngine(recipe.options)
    case 'openai-chat':
      return new (await import('./openai-chat/openai-chat-engine.js')).OpenAiChatEngine(recipe.options)
    case 'openai-responses':
      return new (await import('./openai-responses/openai-responses-engine.js')).OpenAiResponsesEngine(recipe.options)
    case 'anthropic':
      return new (await import('./anthropic/anthropic-engine.js')).AnthropicEngine(recipe.options)
    case 'gemini':
      return new (await import('./gemini/gemini-engine.js')).GeminiEngine(recipe.options)
  }
}

/**
 * The engine a provider block describes, like createEngine: the block and the environment are
 * checked now (ProviderSetupError naming the field or variable), the engine's module is imported on
 * the first `runInference` and the engine made once.
 */
export function createLazyEngine(config: ProviderConfig, deps: EngineDeps): Engine {
  const recipe = engineRecipe(config, deps)
  let engine: Promise<Engine> | undefined
  return {
    runInference: async (turn, ctx) => {
      engine ??= constructEngine(recipe)
      return (await engine).runInference(turn, ctx)
    },
  }
}
