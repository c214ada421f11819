export * from './api.js'
export * from './catalog.js'
export {builtinPlugin, BUILTIN_PLUGIN_NAME} from './builtin/index.js'
export {evaluateArithmetic} from './builtin/tools/calc.js'
import {builtinPlugin} from './builtin/index.js'
import {PluginCatalog, type LoadedPlugin} from './catalog.js'

export const builtinLoadedPlugin: LoadedPlugin = {plugin: builtinPlugin, source: 'builtin', fingerprint: builtinPlugin.version}

/** The catalog with only the built-ins, for callers that load no plugin (tests, `jiminy run` without config plugins). */
export function builtinCatalog(): PluginCatalog {
  return new PluginCatalog([builtinLoadedPlugin])
}
