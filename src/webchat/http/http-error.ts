/** An error with an HTTP status; its JSON body is `{error, field?, ...extra}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'HttpError'
  }

  body(): Record<string, unknown> {
    return {error: this.message, ...this.extra}
  }
}
