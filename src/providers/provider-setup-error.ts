/** Why createEngine could not build an engine from a provider block and the environment. */
export type ProviderSetupErrorCode = 'bad_config' | 'missing_api_key'

/**
 * createEngine's one error: a provider block that cannot become an engine (no model, a missing
 * key, a header that would put a secret in the config). `field` is the dotted config path.
 */
export class ProviderSetupError extends Error {
  constructor(
    readonly code: ProviderSetupErrorCode,
    message: string,
    readonly field: string,
  ) {
    super(message)
    this.name = 'ProviderSetupError'
  }

  static isInstance(error: unknown): error is ProviderSetupError {
    return error instanceof Error && error.name === 'ProviderSetupError'
  }
}
