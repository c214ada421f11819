/**
 * The fields of `o` whose value is not undefined. zod's `.optional()` infers `?: T | undefined`, so
 * a parsed partial spread over defaults would otherwise overwrite them with undefined.
 */
export function definedFields<T extends object>(o: T): {[K in keyof T]?: Exclude<T[K], undefined>} {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {[K in keyof T]?: Exclude<T[K], undefined>}
}
