import {ConfigError} from './config-error.js'
import {watchConfig, type ConfigWatcher, type ReloadChange} from './config-watcher.js'
import type {EngineBuilder} from './engine-builder.js'
import type {LoadEngineBuilderOptions} from './load-engine-builder.js'
import {listProfiles} from './profile-summary.js'

/** What `serve --watch` swaps the builder of (the ConversationManager). */
export interface BuilderHolder {
  readonly builder: EngineBuilder
  setBuilder(builder: EngineBuilder): void
}

/** The slice of the server's pino logger used here. */
export interface ReloadLogger {
  info(fields: object, message: string): void
  error(fields: object, message: string): void
}

export interface WatchServerConfigOptions extends LoadEngineBuilderOptions {
  readonly manager: BuilderHolder
  readonly logger: ReloadLogger
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
  const {manager, logger, onReloaded, onFailed, ...load} = options
  return watchConfig({
    ...load,
    builder: manager.builder,
    onReload(builder, change) {
      const before = new Map(safeList(manager.builder).map((p) => [p.slug, p.signature]))
      manager.setBuilder(builder)
      const changed = safeList(builder)
        .filter((p) => before.get(p.slug) !== p.signature)
        .map((p) => `${p.slug} ${before.get(p.slug) ?? '(new)'} → ${p.signature}`)
      logger.info(
        {files: change.files, changed_profiles: changed, reload_ms: Date.now() - change.changedAt},
        'config reloaded; conversations on changed profiles rebuild before their next run',
      )
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
      onFailed?.(error, change)
    },
  })
}

function safeList(builder: EngineBuilder) {
  try {
    return listProfiles(builder)
  } catch {
    return []
  }
}
