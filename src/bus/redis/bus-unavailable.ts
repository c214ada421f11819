/** `code` of every failure caused by Redis being unreachable: HTTP 503 bodies and `run.error` frames carry it. */
export const BUS_UNAVAILABLE = 'bus_unavailable'

/**
 * Redis could not be reached in time: a publish whose window passed, a run claim or snapshot read
 * that got no answer. The HTTP layer answers 503 `{error, code: "bus_unavailable"}`; a run whose
 * events cannot be published ends with a `run.error` of this code (PublishFailureGuard).
 */
export class BusUnavailableError extends Error {
  readonly code = BUS_UNAVAILABLE

  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options)
    this.name = 'BusUnavailableError'
  }

  /** `error` as a BusUnavailableError (itself when it already is one). */
  static wrap(error: unknown, what: string): BusUnavailableError {
    if (error instanceof BusUnavailableError) return error
    const reason = error instanceof Error ? error.message : String(error)
    const message = reason.startsWith('redis unavailable') ? reason : `redis unavailable: ${what} failed (${reason})`
    return new BusUnavailableError(message, {cause: error})
  }
}
