import {resolve} from 'node:path'
import {builtinLoadedPlugin} from './builtin-loaded.js'
import {PluginCatalog, PluginClashError, type LoadedPlugin} from './catalog.js'
import {findInstalledPlugins} from './installed-plugins.js'
import {PluginLoadError} from './plugin-load-error.js'
import {contentHash, importPluginModule} from './plugin-module.js'

export interface LoadPluginsOptions {
  /** Local module paths (the config file's `plugins:`), relative to `baseDir`. */
  readonly localPaths?: readonly string[]
  /** Directory local paths are relative to: the config file's directory. */
  readonly baseDir?: string
  /** Where the config file lives, only to name it in errors. */
  readonly configPath?: string
  /** oclif data dir to find `jiminy plugins install|link` plugins in; `false` skips them. */
  readonly dataDir?: string | false
}

export interface PluginSet {
  readonly catalog: PluginCatalog
  /** Absolute paths of the local plugin files, for `serve --watch`. */
  readonly localFiles: readonly string[]
}

/**
 * Loads every plugin, in this fixed order: the built-ins; oclif plugins installed with
 * `jiminy plugins install|link` whose package.json has `"jiminy": {"plugin": …}` (by package
 * name); local module paths from the config file (in listed order). A clash of names is an error
 * naming both sources; any failure is one PluginLoadError naming the file (and field).
 */
export async function loadPlugins(options: LoadPluginsOptions = {}): Promise<PluginSet> {
  const loaded: LoadedPlugin[] = [builtinLoadedPlugin]
  if (options.dataDir !== false && options.dataDir !== undefined) {
    for (const found of await findInstalledPlugins(options.dataDir)) {
      // A linked package is under development: its content hash joins the version, so edits show in signatures.
      const fingerprint = found.type === 'link' ? `${found.version}+${(await contentHash(found.entry)).replace(':', '.')}` : found.version
      const plugin = await importPluginModule(found.entry, fingerprint)
      loaded.push({
        plugin,
        origin: 'installed',
        source: `oclif plugin ${found.packageName} (${found.entry})`,
        file: found.entry,
        fingerprint,
      })
    }
  }
  const localFiles: string[] = []
  const baseDir = options.baseDir ?? process.cwd()
  for (const [i, path] of (options.localPaths ?? []).entries()) {
    const file = resolve(baseDir, path)
    localFiles.push(file)
    let fingerprint: string
    try {
      fingerprint = await contentHash(file)
    } catch (error) {
      if (error instanceof PluginLoadError && options.configPath)
        throw new PluginLoadError(`${error.reason} (listed in ${options.configPath} at plugins.${i})`, file, error.field)
      throw error
    }
    const plugin = await importPluginModule(file, fingerprint)
    loaded.push({plugin, origin: 'local', source: file, file, fingerprint})
  }
  try {
    return {catalog: new PluginCatalog(loaded), localFiles}
  } catch (error) {
    if (error instanceof PluginClashError) throw new PluginLoadError(error.message, error.second.file ?? error.second.source)
    throw error
  }
}
