import {resolve} from 'node:path'
import {redactString} from '../core/index.js'
import {ConfigError} from './config-error.js'
import {watchConfig, type ConfigWatcher, type ReloadChange} from './config-watcher.js'
import type {EngineBuilder} from './engine-builder.js'
import type {LoadEngineBuilderOptions} from './load-engine-builder.js'
import {listProfiles} from './profile-summary.js'
import {describeProfilesChange, profilesChange, type ProfilesChange} from './profiles-change.js'

/** What caused a rebuild: a request (profile, overrides), the config file, or a local plugin file. */
export interface RebuildCause {
  readonly source: 'request' | 'file' | 'plugin'
  /** The file whose change caused it (config file or plugin module). */
  readonly file?: string
  /** The plugin's name, for source `plugin`. */
  readonly plugin?: string
}

/** What `serve --watch` swaps the builder of (the ConversationManager). */
export interface BuilderHolder {
  readonly builder: EngineBuilder
  /** `cause`: which file the new builder was reloaded for; conversations rebuilt by it record that. */
  setBuilder(builder: EngineBuilder, cause?: RebuildCause): void
}

/** A reload that failed (the last good config stays), or the first good one after failures. */
export type ReloadNotice =
  | {readonly kind: 'reload-failed'; readonly file?: string; readonly line?: number; readonly field?: string; readonly message: string}
  | {readonly kind: 'recovered'; readonly files: readonly string[]; readonly message: string}
  /** A good reload changed the profile list (or what a page shows of a profile): pages refresh it. */
  | ({readonly kind: 'profiles-changed'; readonly message: string} & ProfilesChange)

/** Who tells the users (the server: a `server.notice` frame on every open socket). */
export interface ReloadNotices {
  notice(notice: ReloadNotice): void
}

/** The slice of the server's pino logger used here. */
export interface ReloadLogger {
  info(fields: object, message: string): void
  error(fields: object, message: string): void
}

export interface WatchServerConfigOptions extends LoadEngineBuilderOptions {
  readonly manager: BuilderHolder
  readonly logger: ReloadLogger
  readonly notices?: ReloadNotices
  readonly debounceMs?: number
  /** Called after each successful swap (benchmarks, tests). */
  readonly onReloaded?: (builder: EngineBuilder, change: ReloadChange) => void
  readonly onFailed?: (error: Error, change: ReloadChange) => void
}

/**
 * `serve --watch`: reloads config + plugins on change and hands the new builder to the manager;
 * each conversation whose signature changed rebuilds (and explains why) on its next request. A
 * broken file is logged once with its file and field, and the last good builder stays in use.
 */
export function watchServerConfig(options: WatchServerConfigOptions): ConfigWatcher {
  const {manager, logger, notices, onReloaded, onFailed, ...load} = options
  let failing = false
  return watchConfig({
    ...load,
    builder: manager.builder,
    onReload(builder, change) {
      const previous = safeList(manager.builder)
      const before = new Map(previous.map((p) => [p.slug, p.signature]))
      manager.setBuilder(builder, causeOf(builder, change.files))
      const current = safeList(builder)
      const changed = current
        .filter((p) => before.get(p.slug) !== p.signature)
        .map((p) => `${p.slug} ${before.get(p.slug) ?? '(new)'} → ${p.signature}`)
      logger.info(
        {files: change.files, changed_profiles: changed, reload_ms: Date.now() - change.changedAt},
        'config reloaded; conversations on changed profiles rebuild before their next run',
      )
      // What changed first, then (after failures) that the config is good again: the last word is the state.
      const profiles = profilesChange(previous, current)
      if (profiles) notices?.notice({kind: 'profiles-changed', message: describeProfilesChange(profiles), ...profiles})
      if (failing) notices?.notice({kind: 'recovered', files: change.files, message: 'config reloaded'})
      failing = false
      onReloaded?.(builder, change)
    },
    onError(error, change) {
      const fields =
        error instanceof ConfigError
          ? {file: error.source, field: error.field}
          : 'file' in error
            ? {file: error.file, field: (error as {field?: string}).field}
            : {}
      logger.error({files: change.files, ...fields, error: error.message}, 'config reload failed; keeping the last good config and plugins')
      failing = true
      const file = typeof fields.file === 'string' ? fields.file : change.files[0]
      const line = error instanceof ConfigError ? error.line : undefined
      const message = error instanceof ConfigError ? `${error.field ? `${error.field}: ` : ''}${error.reason}` : error.message
      notices?.notice({
        kind: 'reload-failed',
        ...(file !== undefined ? {file} : {}),
        ...(line !== undefined ? {line} : {}),
        ...(fields.field ? {field: fields.field} : {}),
        message: redactString(message),
      })
      onFailed?.(error, change)
    },
  })
}

/** The config file if it changed, else the plugin whose module changed (by its name in the new catalog). */
function causeOf(builder: EngineBuilder, files: readonly string[]): RebuildCause {
  const config = builder.configPath
  if (config !== undefined && files.some((f) => resolve(f) === resolve(config))) return {source: 'file', file: config}
  const file = files[0]
  if (file === undefined) return {source: 'file'}
  const plugin = builder.catalog.plugins.find((p) => p.file !== undefined && resolve(p.file) === resolve(file))
  return {source: 'plugin', file, ...(plugin ? {plugin: plugin.plugin.name} : {})}
}

function safeList(builder: EngineBuilder) {
  try {
    return listProfiles(builder)
  } catch {
    return []
  }
}
