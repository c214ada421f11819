import {STATUS_CODES} from 'node:http'
import {ERROR_STATUS, type ErrorCode} from './error-codes.js'

/**
 * An error a client is answered with (as Hono's HTTPException): its `code` gives the status
 * (`ERROR_STATUS`), its body is `{error: message, code, ...extra}`, plus response headers
 * (`retry-after`, `www-authenticate`). Routes throw it or a library error that `toHttpError` maps.
 */
export class HttpError extends Error {
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message)
    this.name = 'HttpError'
    this.status = ERROR_STATUS[code]
  }

  static isInstance(error: unknown): error is HttpError {
    return error instanceof HttpError
  }

  body(): Record<string, unknown> {
    return {error: this.message, code: this.code, ...this.extra}
  }

  /** The status line's reason phrase (`Forbidden`), for answers written on a raw socket. */
  get statusText(): string {
    return STATUS_CODES[this.status] ?? 'Error'
  }
}
