import type {z} from 'zod'

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

/** A request body (or query) that failed validation: 422 naming the field, e.g. `{error, field: "overrides.loop"}`. */
export class RequestValidationError extends HttpError {
  constructor(
    readonly reason: string,
    readonly field: string,
  ) {
    super(422, `${field ? `${field}: ` : ''}${reason}`, {field})
    this.name = 'RequestValidationError'
  }

  static fromZod(error: z.ZodError, prefix = ''): RequestValidationError {
    const issue = error.issues[0]
    const field = [prefix, ...(issue?.path.map(String) ?? [])].filter(Boolean).join('.')
    return new RequestValidationError(issue?.message ?? 'invalid', field)
  }
}
