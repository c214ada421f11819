import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {pathToFileURL} from 'node:url'
import {InvalidPluginError, definePlugin, pluginHostApi, type JiminyPlugin} from './api.js'
import {PluginLoadError} from './plugin-load-error.js'

/** `sha256:` and the first 16 hex digits of the file's sha256: a local plugin's fingerprint. */
export async function contentHash(file: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/use-unknown-in-catch-callback-variable -- readFile rejects with ErrnoException
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new PluginLoadError(error.code === 'ENOENT' ? 'file not found' : `cannot read: ${error.message}`, file)
  })
  return `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`
}

/**
 * Imports a plugin module and returns its validated plugin. The default export is either
 * `definePlugin({...})` or a function `(host) => definePlugin({...})` receiving the host API
 * (definePlugin, defineMiddleware, defineToolExecutor, defineSubscriber, defineTool, z).
 * `version` busts Node's module cache, so an edited file is imported afresh.
 */
export async function importPluginModule(file: string, version: string): Promise<JiminyPlugin> {
  let mod: {default?: unknown}
  try {
    mod = (await import(`${pathToFileURL(file).href}?v=${encodeURIComponent(version)}`)) as {default?: unknown}
  } catch (error) {
    throw new PluginLoadError(`cannot import: ${firstLine(error)}`, file)
  }
  let exported = mod.default
  try {
    if (typeof exported === 'function') exported = await (exported as (host: typeof pluginHostApi) => unknown)(pluginHostApi)
    if (!exported || typeof exported !== 'object')
      throw new InvalidPluginError('the default export must be definePlugin({...}) or a function returning it', 'default')
    return definePlugin(exported as JiminyPlugin)
  } catch (error) {
    if (error instanceof InvalidPluginError) throw new PluginLoadError(error.detail, file, error.field || undefined)
    throw new PluginLoadError(`plugin factory failed: ${firstLine(error)}`, file)
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!
}
