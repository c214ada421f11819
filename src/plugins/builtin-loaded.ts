import {builtinPlugin} from './builtin/index.js'
import {PluginCatalog, type LoadedPlugin} from './catalog.js'

export const builtinLoadedPlugin: LoadedPlugin = {
  plugin: builtinPlugin,
  origin: 'builtin',
  source: 'builtin',
  fingerprint: builtinPlugin.version,
}

/** The catalog with only the built-ins, for callers that load no plugin (unit tests). */
export function builtinCatalog(): PluginCatalog {
  return new PluginCatalog([builtinLoadedPlugin])
}
