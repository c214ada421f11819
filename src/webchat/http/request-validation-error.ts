import type {z} from 'zod'
import {HttpError} from './http-error.js'

/** A request body or query that failed validation: 422 `invalid_request` naming the field, e.g. `{field: "overrides.loop"}`. */
export class RequestValidationError extends HttpError {
  constructor(
    readonly reason: string,
    readonly field: string,
  ) {
    super('invalid_request', `${field ? `${field}: ` : ''}${reason}`, {field})
    this.name = 'RequestValidationError'
  }

  static fromZod(error: z.ZodError, prefix = ''): RequestValidationError {
    const issue = error.issues[0]
    const field = [prefix, ...(issue?.path.map(String) ?? [])].filter(Boolean).join('.')
    return new RequestValidationError(issue?.message ?? 'invalid', field)
  }
}
