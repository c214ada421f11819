import {existsSync, readFileSync} from 'node:fs'
import {homedir, platform, release, tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

// What oclif's root help lists (commands and topics of the root plugin and its core plugins), read
// from package.json files and oclif.manifest.json like oclif's Config.load does, without loading
// @oclif/core. Anything this does not mirror exactly (user or linked plugins, themes, hooks that
// run before help, help options, aliases that collide, templates other than `config.bin`) makes it
// return undefined, and bin/run.js hands the command line to oclif. root-help.test.ts compares.

export interface HelpCommand {
  readonly id: string
  readonly summary?: string
  readonly description?: string
  readonly hidden?: boolean
}

export interface HelpTopic {
  readonly name: string
  readonly description?: string | undefined
  readonly hidden?: boolean | undefined
}

export interface RootHelpModel {
  readonly bin: string
  /** pjson.oclif.description || pjson.description. */
  readonly description: string
  readonly userAgent: string
  readonly topicSeparator: ' ' | ':'
  /** `--help` and pjson.oclif.additionalHelpFlags. */
  readonly helpFlags: readonly string[]
  /** In oclif's load order (config.commands); aliases included. */
  readonly commands: readonly HelpCommand[]
  /** In oclif's load order (config.topics), explicit and implied by command ids. */
  readonly topics: readonly HelpTopic[]
  /** Where oclif resolves its own dependencies from (the help renderer uses the same modules). */
  readonly oclifEntry: string
}

interface OclifSection {
  bin?: string
  dirname?: string
  description?: string
  topicSeparator?: string
  commands?: unknown
  topics?: Record<string, TopicSpec>
  plugins?: string[]
  additionalHelpFlags?: string[]
  hooks?: Record<string, unknown>
  [key: string]: unknown
}
interface TopicSpec {
  description?: string
  hidden?: boolean
  subtopics?: Record<string, TopicSpec>
}
interface PackageJson {
  name: string
  version: string
  description?: string
  oclif?: OclifSection
}
interface ManifestCommand extends HelpCommand {
  readonly aliases?: readonly string[]
  readonly hiddenAliases?: readonly string[]
}
interface Manifest {
  version: string
  commands: Record<string, ManifestCommand>
}

/** oclif settings the fast path does not mirror: any of them set sends help to oclif. */
const UNMIRRORED = ['theme', 'state', 'helpClass', 'helpOptions', 'flexibleTaxonomy', 'jitPlugins', 'devPlugins', 'binAliases']
/** Hooks that run before (or after) root help or the help command. */
const OWN_INIT_HOOK = './dist/cli/oclif-commands-hook.js'
const HELP_HOOKS = ['init', 'prerun', 'postrun', 'preparse', 'finally', 'command_incomplete']

export function rootHelpModel(root: string, env: NodeJS.ProcessEnv = process.env): RootHelpModel | undefined {
  if (platform() === 'win32' || isWsl()) return undefined
  const pjson = readJson(join(root, 'package.json')) as PackageJson | undefined
  const oclif = pjson?.oclif
  if (!pjson || !oclif || typeof oclif.commands !== 'string' || UNMIRRORED.some((k) => oclif[k] !== undefined)) return undefined
  const bin = oclif.bin ?? pjson.name
  if (/[&<>"']/.test(bin)) return undefined
  const separator = oclif.topicSeparator === ' ' ? ' ' : ':'
  // User-installed and linked plugins live in the data dir's package.json; a user theme in the config dir.
  const home = env.HOME || homedir() || tmpdir()
  const dir = oclif.dirname ?? pjson.name
  const scoped = (k: string) => env[`${bin.replaceAll('@', '').replaceAll(/[/-]/g, '_')}_${k}`.toUpperCase()]
  const dataDir = scoped('DATA_DIR') || join(env.XDG_DATA_HOME || join(home, '.local/share'), dir)
  const configDir = scoped('CONFIG_DIR') || join(env.XDG_CONFIG_HOME || join(home, '.config'), dir)
  if (existsSync(join(dataDir, 'package.json')) || existsSync(join(configDir, 'theme.json'))) return undefined

  const plugins: {pjson: PackageJson; manifest: Manifest}[] = []
  for (const name of [undefined, ...(oclif.plugins ?? [])]) {
    const pluginRoot = name === undefined ? root : packageRoot(root, name)
    const p =
      pluginRoot === undefined
        ? undefined
        : name === undefined
          ? pjson
          : (readJson(join(pluginRoot, 'package.json')) as PackageJson | undefined)
    const manifest = pluginRoot === undefined ? undefined : (readJson(join(pluginRoot, 'oclif.manifest.json')) as Manifest | undefined)
    if (!p || !manifest || manifest.version !== p.version) return undefined
    if (name !== undefined && (p.oclif?.plugins?.length ?? 0) > 0) return undefined
    // jiminy's own init hook (cli/oclif-commands-hook.ts) answers bad input to `help X` and `plugins …` only: root help is untouched.
    const hooks = Object.entries(p.oclif?.hooks ?? {}).filter(
      ([h, file]) => !(name === undefined && h === 'init' && file === OWN_INIT_HOOK),
    )
    if (hooks.some(([h]) => HELP_HOOKS.includes(h))) return undefined
    plugins.push({pjson: p, manifest})
  }

  const commands = new Map<string, HelpCommand>()
  const topics = new Map<string, HelpTopic>()
  for (const {pjson: p, manifest} of plugins) {
    // oclif's Plugin sorts its commands by id (localeCompare); the order decides implied topics.
    const own = Object.entries(manifest.commands)
      .map(([id, c]) => ({...c, id}))
      .sort((a, b) => a.id.localeCompare(b.id))
    for (const c of own) {
      if (commands.has(c.id)) return undefined
      commands.set(c.id, c)
      for (const [alias, hidden] of [
        ...(c.aliases ?? []).map((a) => [a, false] as const),
        ...(c.hiddenAliases ?? []).map((a) => [a, true] as const),
      ]) {
        const id = separator === ' ' ? alias.replaceAll(' ', ':') : alias
        if (commands.has(id)) return undefined
        commands.set(id, {...c, hidden, id})
      }
    }
    for (const topic of topicsOf(p.oclif?.topics)) {
      const existing = topics.get(topic.name)
      topics.set(
        topic.name,
        existing ? {...existing, description: topic.description || existing.description, hidden: existing.hidden || topic.hidden} : topic,
      )
    }
    for (const c of own.filter((c) => !c.hidden)) {
      const parts = c.id.split(':')
      for (; parts.length > 0; parts.pop()) {
        const name = parts.join(':')
        if (name && !topics.has(name)) topics.set(name, {name, description: c.summary || c.description})
      }
    }
  }
  const oclifEntry = packageRoot(root, '@oclif/core')
  if (!oclifEntry) return undefined
  const arch = process.arch === 'ia32' ? 'x86' : process.arch
  return {
    bin,
    description: oclif.description || pjson.description || '',
    userAgent: `${pjson.name}/${pjson.version} ${platform()}-${arch} node-${process.version}`,
    topicSeparator: separator,
    helpFlags: [...(oclif.additionalHelpFlags ?? []), '--help'],
    commands: [...commands.values()],
    topics: [...topics.values()],
    oclifEntry: join(oclifEntry, 'lib/index.js'),
  }
}

/** oclif's topicsToArray for the object form of `oclif.topics`. */
function topicsOf(input: Record<string, TopicSpec> | undefined, base = ''): HelpTopic[] {
  if (!input) return []
  const prefix = base ? `${base}:` : ''
  return Object.entries(input).flatMap(([k, t]) => [
    {...(t.description !== undefined ? {description: t.description} : {}), ...(t.hidden ? {hidden: true} : {}), name: `${prefix}${k}`},
    ...topicsOf(t.subtopics, `${prefix}${k}`),
  ])
}

/** The first `node_modules/<name>` with a package.json, walking up from root (node's resolution). */
function packageRoot(root: string, name: string): string | undefined {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

/** oclif names the platform `wsl` there (is-wsl); the fast path leaves those machines to oclif. */
function isWsl(): boolean {
  if (platform() !== 'linux') return false
  if (release().toLowerCase().includes('microsoft')) return true
  try {
    return readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft')
  } catch {
    return false
  }
}
