import {readFile} from 'node:fs/promises'
import {homedir} from 'node:os'
import {isAbsolute, join, resolve} from 'node:path'
import {z} from 'zod'
import {PluginLoadError} from './plugin-load-error.js'

/** The package.json field that makes an npm package (installed with `jiminy plugins install|link`) a jiminy plugin. */
export const PACKAGE_FIELD = 'jiminy'

/** oclif's data dir for this CLI: `JIMINY_DATA_DIR`, else `$XDG_DATA_HOME/jiminy`, else `~/.local/share/jiminy`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JIMINY_DATA_DIR) return resolve(env.JIMINY_DATA_DIR)
  return join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share'), 'jiminy')
}

export interface InstalledPlugin {
  readonly packageName: string
  readonly version: string
  readonly type: 'user' | 'link'
  readonly root: string
  /** Absolute path of the module named by `"jiminy": {"plugin": …}`. */
  readonly entry: string
}

/** `<dataDir>/package.json`, written by @oclif/plugin-plugins. */
const DataDirPackageSchema = z
  .object({
    oclif: z
      .object({
        plugins: z
          .array(z.union([z.string(), z.object({name: z.string(), type: z.string().optional(), root: z.string().optional()}).loose()]))
          .default([]),
      })
      .loose()
      .optional(),
  })
  .loose()

const PluginPackageSchema = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1).default('0.0.0'),
    [PACKAGE_FIELD]: z
      .object({plugin: z.string().min(1)})
      .loose()
      .optional(),
  })
  .loose()

/**
 * The oclif plugins installed or linked into this CLI that declare `"jiminy": {"plugin": "./x.js"}`
 * in their package.json, sorted by package name. Packages without the field are ignored (they may
 * be ordinary oclif plugins adding commands). A missing data dir means none.
 */
export async function findInstalledPlugins(dataDir: string): Promise<InstalledPlugin[]> {
  const pjsonPath = join(dataDir, 'package.json')
  const text = await readFile(pjsonPath, 'utf8').catch(() => undefined)
  if (text === undefined) return []
  const parsed = DataDirPackageSchema.safeParse(parseJson(text, pjsonPath))
  if (!parsed.success) throw new PluginLoadError(parsed.error.issues[0]!.message, pjsonPath, parsed.error.issues[0]!.path.join('.'))
  const found: InstalledPlugin[] = []
  for (const ref of parsed.data.oclif?.plugins ?? []) {
    const entry = typeof ref === 'string' ? {name: ref} : ref
    if (entry.type !== undefined && entry.type !== 'user' && entry.type !== 'link') continue
    const type = entry.type === 'link' ? 'link' : 'user'
    const root = type === 'link' && entry.root ? resolve(entry.root) : join(dataDir, 'node_modules', entry.name)
    const plugin = await readPluginPackage(root, type)
    if (plugin) found.push(plugin)
  }
  return found.sort((a, b) => (a.packageName < b.packageName ? -1 : a.packageName > b.packageName ? 1 : 0))
}

async function readPluginPackage(root: string, type: 'user' | 'link'): Promise<InstalledPlugin | undefined> {
  const path = join(root, 'package.json')
  const text = await readFile(path, 'utf8').catch(() => undefined)
  if (text === undefined) throw new PluginLoadError('installed plugin has no package.json', path)
  const parsed = PluginPackageSchema.safeParse(parseJson(text, path))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new PluginLoadError(issue.message, path, issue.path.join('.'))
  }
  const declared = parsed.data[PACKAGE_FIELD]
  if (!declared) return undefined
  const plugin = declared.plugin
  if (isAbsolute(plugin)) throw new PluginLoadError('must be a path relative to the package root', path, `${PACKAGE_FIELD}.plugin`)
  return {packageName: parsed.data.name, version: parsed.data.version, type, root, entry: resolve(root, plugin)}
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new PluginLoadError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`, file)
  }
}
