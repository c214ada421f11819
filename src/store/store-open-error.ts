const marker = Symbol.for('jiminy.store.StoreOpenError')

/** Why a store file could not be opened; each reason is a different fix for the user. */
export const STORE_OPEN_REASONS = ['not_sqlite', 'read_only', 'newer_schema', 'locked', 'io'] as const
export type StoreOpenReason = (typeof STORE_OPEN_REASONS)[number]

const HINTS: Record<StoreOpenReason, string> = {
  not_sqlite: 'the file is not a SQLite database; pass another --store path or move the file away',
  read_only: 'the file or its directory is not writable (SQLite also writes FILE-wal next to it)',
  newer_schema: 'it was written by a newer jiminy; upgrade jiminy or use another --store path',
  locked: 'another process (a running jiminy serve?) or an unclosed store in this one holds it; stop it or use another --store path',
  io: 'the file could not be opened',
}

/** Raised at start when the conversation store file cannot be used; names the file and the reason. */
export class StoreOpenError extends Error {
  readonly [marker] = true
  readonly code = 'store_open_failed'

  constructor(
    readonly file: string,
    readonly reason: StoreOpenReason,
    detail: string,
    options: {cause?: unknown} = {},
  ) {
    super(`cannot open conversation store ${file}: ${HINTS[reason]} (${detail})`, options)
    this.name = 'StoreOpenError'
  }

  static isInstance(error: unknown): error is StoreOpenError {
    return typeof error === 'object' && error !== null && marker in error
  }
}
