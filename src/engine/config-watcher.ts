import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import type {FSWatcher} from 'chokidar'
import {PluginLoadError} from '../plugins/index.js'
import type {EngineBuilder} from './engine-builder.js'
import {loadEngineBuilder, type LoadEngineBuilderOptions} from './load-engine-builder.js'

export interface WatchConfigOptions extends LoadEngineBuilderOptions {
  /** The builder in use now: its config file and local plugin files are watched. */
  readonly builder: EngineBuilder
  /** A new builder loaded after a change; the caller swaps it in (ConversationManager.setBuilder). */
  readonly onReload: (builder: EngineBuilder, change: ReloadChange) => void
  /** A change that did not load (ConfigError or PluginLoadError naming the file and field): the last good builder stays. */
  readonly onError: (error: Error, change: ReloadChange) => void
  /** Quiet time after the last change before reloading (editors write in bursts). Default 75 ms. */
  readonly debounceMs?: number
}

export interface ReloadChange {
  /** Files whose change triggered this reload. */
  readonly files: readonly string[]
  /** When the first of them changed (ms since epoch), for latency figures. */
  readonly changedAt: number
}

export interface ConfigWatcher {
  /** Resolves when the files are being watched. */
  readonly ready: Promise<void>
  /** The files watched now. */
  files(): string[]
  close(): Promise<void>
}

/**
 * Watches the config file and the local plugin files (chokidar); after a change (debounced) it
 * loads config + plugins into a new EngineBuilder with the one loader. A broken file is reported
 * through onError and changes nothing; fixing it reloads again. Reloads never overlap.
 */
export function watchConfig(options: WatchConfigOptions): ConfigWatcher {
  const {builder: initial, onReload, onError, debounceMs = 75, ...load} = options
  const configPath = initial.configPath ?? load.configPath
  let watched = new Set(initial.watchedFiles)
  // chokidar loads when a watcher starts (serve), not with the engine layer every command imports.
  // An ES module without top-level await: Node ≥ 20.19 requires it synchronously.
  const {watch} = createRequire(import.meta.url)('chokidar') as typeof import('chokidar')
  const watcher: FSWatcher = watch([...watched], {ignoreInitial: true, atomic: true})
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  let pending: string[] = []
  let firstChangeAt = 0
  let timer: NodeJS.Timeout | undefined
  let reloading: Promise<void> | undefined
  let closed = false
  // What the files held at the last load attempt: an event that changed nothing (a second write
  // event for one save, a touch) neither reloads nor repeats an error.
  let lastState: Promise<string> = filesState([...watched])

  const changed = (file: string) => {
    if (closed) return
    if (pending.length === 0) firstChangeAt = Date.now()
    if (!pending.includes(file)) pending.push(file)
    clearTimeout(timer)
    timer = setTimeout(() => void reload(), debounceMs)
  }
  watcher.on('change', changed).on('add', changed).on('unlink', changed)

  const follow = (files: Iterable<string>) => {
    const next = new Set(files)
    const added = [...next].filter((f) => !watched.has(f))
    const removed = [...watched].filter((f) => !next.has(f))
    if (added.length > 0) watcher.add(added)
    if (removed.length > 0) watcher.unwatch(removed)
    watched = next
  }

  async function reload(): Promise<void> {
    if (reloading) {
      await reloading
      if (pending.length > 0 && !closed) return reload()
      return
    }
    const change: ReloadChange = {files: pending, changedAt: firstChangeAt}
    pending = []
    reloading = (async () => {
      const state = await filesState([...watched])
      if (state === (await lastState)) return
      lastState = Promise.resolve(state)
      try {
        const next = await loadEngineBuilder({
          ...load,
          resources: initial.resources,
          onPluginFailure: initial.onPluginFailure,
          ...(configPath ? {configPath} : {}),
        })
        if (closed) return
        follow(next.watchedFiles)
        onReload(next, change)
      } catch (error) {
        if (closed) return
        // Keep watching a newly listed plugin that failed, so fixing it reloads.
        if (error instanceof PluginLoadError && !watched.has(error.file)) follow([...watched, error.file])
        onError(error instanceof Error ? error : new Error(String(error)), change)
      }
    })()
    try {
      await reloading
    } finally {
      reloading = undefined
    }
  }

  return {
    ready,
    files: () => [...watched],
    async close() {
      closed = true
      clearTimeout(timer)
      await watcher.close()
    },
  }
}

/** A digest of the files' contents (missing files count as such), to tell real changes from noise. */
async function filesState(files: string[]): Promise<string> {
  const hash = createHash('sha256')
  for (const file of [...files].sort()) {
    hash.update(file).update('\0')
    hash.update(await readFile(file).catch(() => Buffer.from('\0missing\0')))
    hash.update('\0')
  }
  return hash.digest('hex')
}
