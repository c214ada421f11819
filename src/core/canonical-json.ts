/**
 * JSON with object keys sorted at every level: the same value always gives the same bytes, whatever
 * order its keys were built in. Used for signatures, golden-frame comparison and cassette matching.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}
