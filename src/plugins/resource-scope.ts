interface Entry {
  readonly value: unknown
  readonly dispose: ((value: unknown) => unknown) | undefined
}

/**
 * Resources a plugin shares across the conversations of one host (a Redis connection per URL, a
 * buffer per conversation), owned by the host and closed with it. Plugins keep no module-level
 * state: two servers in one process (tests, `--watch` reloads) never see each other's resources.
 */
export class ResourceScope {
  private readonly entries = new Map<string, Entry>()
  private closed = false

  /** The resource under `key`, created on first use; `dispose` runs when the scope closes. */
  get<T>(key: string, create: () => T, dispose?: (value: T) => unknown): T {
    const existing = this.entries.get(key)
    if (existing) return existing.value as T
    if (this.closed) throw new Error(`resource scope is closed (asked for ${key})`)
    const value = create()
    this.entries.set(key, {value, dispose: dispose as ((value: unknown) => unknown) | undefined})
    return value
  }

  /** The resource under `key` if it was created. */
  peek(key: string): unknown {
    return this.entries.get(key)?.value
  }

  /** Disposes every resource (errors are swallowed: closing must finish). Idempotent. */
  async close(): Promise<void> {
    this.closed = true
    const all = [...this.entries.values()]
    this.entries.clear()
    await Promise.all(all.map(async (e) => e.dispose?.(e.value)).map((p) => p.catch(() => undefined)))
  }
}
