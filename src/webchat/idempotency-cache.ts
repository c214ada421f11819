/**
 * Answers already given to `POST /chat` by `idempotency_key`, so a retried request returns the
 * first answer instead of starting a second run. Bounded by count and age.
 */
export class IdempotencyCache<V> {
  private readonly entries = new Map<string, {value: V; at: number}>()

  constructor(
    private readonly maxEntries = 1000,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (Date.now() - entry.at > this.ttlMs) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  delete(key: string): void {
    this.entries.delete(key)
  }

  set(key: string, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, {value, at: Date.now()})
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }
}
