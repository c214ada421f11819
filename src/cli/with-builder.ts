import {loadEngineBuilder, type LoadEngineBuilderOptions} from '../engine/load-engine-builder.js'
import type {EngineBuilder} from '../engine/engine-builder.js'

/**
 * Loads the engine builder, hands it to `use`, and closes it however `use` ends: the MCP servers it
 * started must not outlive a one-shot command (a stdio server would keep the process alive).
 */
export async function withBuilder<T>(options: LoadEngineBuilderOptions, use: (builder: EngineBuilder) => T | Promise<T>): Promise<T> {
  const builder = await loadEngineBuilder(options)
  try {
    return await use(builder)
  } finally {
    await builder.close()
  }
}
