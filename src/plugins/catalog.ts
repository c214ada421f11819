import {ToolRegistry, type ToolDefinition} from '../core/index.js'
import type {JiminyPlugin, MiddlewareContribution, SubscriberContribution, ToolExecutorContribution} from './api.js'

/** The three sources of plugins, in load order. */
export const PLUGIN_ORIGINS = ['builtin', 'installed', 'local'] as const
export type PluginOrigin = (typeof PLUGIN_ORIGINS)[number]

export interface LoadedPlugin {
  readonly plugin: JiminyPlugin
  readonly origin: PluginOrigin
  /** Human-readable: `builtin`, `oclif plugin NAME (FILE)`, or the local file path. */
  readonly source: string
  /** The module file it was imported from (none for built-ins). */
  readonly file?: string
  /** Version for published packages, content hash for local files; goes into EngineConfig. */
  readonly fingerprint: string
}

export interface Provided<T> {
  readonly item: T
  readonly plugin: LoadedPlugin
}

export type ContributionKind = 'middleware' | 'tool executor' | 'subscriber' | 'tool'

/**
 * The merged set of contributions from every loaded plugin. Two plugins contributing the same
 * name of the same kind is an error naming both sources, never a silent override.
 */
export class PluginCatalog {
  private readonly middlewares = new Map<string, Provided<MiddlewareContribution>>()
  private readonly executors = new Map<string, Provided<ToolExecutorContribution>>()
  private readonly subscribers = new Map<string, Provided<SubscriberContribution>>()
  private readonly tools = new Map<string, Provided<ToolDefinition>>()

  constructor(readonly plugins: readonly LoadedPlugin[]) {
    const names = new Map<string, LoadedPlugin>()
    for (const loaded of plugins) {
      const twin = names.get(loaded.plugin.name)
      if (twin)
        throw new PluginClashError(
          `plugin name clash: ${loaded.plugin.name} is provided by both ${twin.source} and ${loaded.source}`,
          twin,
          loaded,
        )
      names.set(loaded.plugin.name, loaded)
      for (const m of loaded.plugin.middlewares ?? []) add(this.middlewares, 'middleware', m.name, m, loaded)
      for (const e of loaded.plugin.toolExecutors ?? []) add(this.executors, 'tool executor', e.name, e, loaded)
      for (const s of loaded.plugin.subscribers ?? []) add(this.subscribers, 'subscriber', s.name, s, loaded)
      for (const t of loaded.plugin.tools ?? []) add(this.tools, 'tool', t.name, t, loaded)
    }
  }

  middleware(name: string): Provided<MiddlewareContribution> | undefined {
    return this.middlewares.get(name)
  }
  toolExecutor(name: string): Provided<ToolExecutorContribution> | undefined {
    return this.executors.get(name)
  }
  subscriber(name: string): Provided<SubscriberContribution> | undefined {
    return this.subscribers.get(name)
  }
  tool(name: string): Provided<ToolDefinition> | undefined {
    return this.tools.get(name)
  }

  names(kind: ContributionKind): string[] {
    const map = {middleware: this.middlewares, 'tool executor': this.executors, subscriber: this.subscribers, tool: this.tools}[kind]
    return [...map.keys()].sort()
  }

  toolRegistry(names: readonly string[]): ToolRegistry {
    return new ToolRegistry(
      names.map((n) => {
        const found = this.tools.get(n)
        if (!found) throw new Error(`unknown tool ${JSON.stringify(n)} (known: ${this.names('tool').join(', ')})`)
        return found.item
      }),
    )
  }
}

function add<T>(map: Map<string, Provided<T>>, kind: ContributionKind, name: string, item: T, plugin: LoadedPlugin): void {
  const twin = map.get(name)
  if (twin)
    throw new PluginClashError(
      `${kind} name clash: ${JSON.stringify(name)} is provided by both ${twin.plugin.source} (${twin.plugin.plugin.name}) and ${plugin.source} (${plugin.plugin.name})`,
      twin.plugin,
      plugin,
    )
  map.set(name, {item, plugin})
}

/** Two plugins (or two contributions) with one name; `first` loaded earlier than `second`. */
export class PluginClashError extends Error {
  constructor(
    message: string,
    readonly first: LoadedPlugin,
    readonly second: LoadedPlugin,
  ) {
    super(message)
    this.name = 'PluginClashError'
  }
}
