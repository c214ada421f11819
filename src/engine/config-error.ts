import type {z} from 'zod'

/** Bad configuration or overrides; `field` is the dotted path of what was wrong (HTTP 422, CLI one-liner). */
export class ConfigError extends Error {
  constructor(
    readonly reason: string,
    readonly field: string,
    readonly source?: string,
    /** The line in `source` when the file is malformed (YAML). */
    readonly line?: number,
  ) {
    super(`${source ? `${source}: ` : ''}${field ? `${field}: ` : ''}${reason}`)
    this.name = 'ConfigError'
  }

  /** The same error, naming the file it came from. */
  withSource(source: string): ConfigError {
    return this.source ? this : new ConfigError(this.reason, this.field, source, this.line)
  }

  static fromZod(error: z.ZodError, prefix: string, source?: string): ConfigError {
    const issue = error.issues[0]!
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
    return new ConfigError(issue.message, field, source)
  }
}

export class UnknownProfileError extends Error {
  constructor(
    readonly slug: string,
    known: readonly string[],
  ) {
    super(`unknown profile ${JSON.stringify(slug)} (known: ${known.join(', ')})`)
    this.name = 'UnknownProfileError'
  }
}
