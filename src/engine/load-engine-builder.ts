import {dirname} from 'node:path'
import {defaultDataDir, loadPlugins, McpServerError, type ResourceScope} from '../plugins/index.js'
import {checkProviderConfig} from '../providers/provider-env.js'
import {ProviderSetupError} from '../providers/provider-setup-error.js'
import {ConfigError} from './config-error.js'
import type {PluginFailureListener} from './contribution-factories.js'
import {EngineBuilder, type EngineFactory} from './engine-builder.js'
import {loadConfig} from './profiles.js'

export interface LoadEngineBuilderOptions {
  /** `--config FILE`; default `./jiminy.yaml` when present. */
  readonly configPath?: string
  readonly cwd?: string
  /** Environment for provider keys and for finding oclif's data dir. */
  readonly env?: NodeJS.ProcessEnv
  /** oclif data dir (installed plugins); default from the environment like oclif; `false` skips installed plugins. */
  readonly dataDir?: string | false
  readonly engineFactory?: EngineFactory
  readonly stepTimeoutMs?: number
  /** Plugin resources to share (a reload passes the previous builder's). */
  readonly resources?: ResourceScope
  /** Where subscriber failures are reported (default: stderr). */
  readonly onPluginFailure?: PluginFailureListener
}

/**
 * The one way from disk to an EngineBuilder: reads the config file, loads plugins in their fixed
 * order (built-ins, installed oclif plugins, the file's local `plugins:`), and checks every profile
 * against the loaded plugins, so a bad contribution config fails here with the file and the field.
 * Throws ConfigError or PluginLoadError; never returns a half-loaded builder.
 */
export async function loadEngineBuilder(options: LoadEngineBuilderOptions = {}): Promise<EngineBuilder> {
  const {config, path} = loadConfig({
    ...(options.configPath !== undefined ? {path: options.configPath} : {}),
    ...(options.cwd ? {cwd: options.cwd} : {}),
  })
  const plugins = await loadPlugins({
    localPaths: config.plugins,
    baseDir: path ? dirname(path) : (options.cwd ?? process.cwd()),
    ...(path ? {configPath: path} : {}),
    dataDir: options.dataDir ?? defaultDataDir(options.env ?? process.env),
  })
  const builder = new EngineBuilder({
    config,
    catalog: plugins.catalog,
    pluginFiles: plugins.localFiles,
    ...(path ? {configPath: path} : {}),
    ...(options.env ? {env: options.env} : {}),
    ...(options.engineFactory ? {engineFactory: options.engineFactory} : {}),
    ...(options.stepTimeoutMs ? {stepTimeoutMs: options.stepTimeoutMs} : {}),
    ...(options.resources ? {resources: options.resources} : {}),
    ...(options.onPluginFailure ? {onPluginFailure: options.onPluginFailure} : {}),
  })
  // Every profile's MCP servers start now (in parallel), so their tools are in every signature.
  await builder.prepare()
  try {
    checkProfiles(builder, path)
    builder.checkFactories()
  } catch (error) {
    // A reload's builder shares the host's scope (its MCP servers, its sinks' connections): the last good set keeps it.
    if (!options.resources) await builder.close()
    throw error
  }
  return builder
}

/** Builds every profile's EngineConfig once; the first failure names the file and field. */
export function checkProfiles(builder: EngineBuilder, source?: string): void {
  const slugs = Object.keys(builder.config.profiles).sort()
  if (!Object.hasOwn(builder.config.profiles, builder.config.default_profile)) {
    const error = new ConfigError(
      `unknown profile ${JSON.stringify(builder.config.default_profile)} (known: ${slugs.join(', ')})`,
      'default_profile',
    )
    throw source ? error.withSource(source) : error
  }
  for (const slug of slugs) {
    try {
      checkProviderConfig(builder.buildConfig(slug).provider)
    } catch (error) {
      // An MCP server that is down is not a config error: the profile's requests say so, and retry it.
      if (McpServerError.isInstance(error)) continue
      const named =
        error instanceof ProviderSetupError && error.field !== undefined
          ? new ConfigError(error.message, `profiles.${slug}.${error.field}`)
          : error
      if (named instanceof ConfigError && source) throw named.withSource(source)
      throw named
    }
  }
}
