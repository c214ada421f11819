import {redactString} from '../core/index.js'

/** Exit codes of every command (DESIGN §7), the same with and without `--json`. */
export const EXIT_OK = 0
/** A check failed (diff: different, replay: a violation) or a run failed. */
export const EXIT_FAILED = 1
/** Bad input: flags, arguments, config, plugin, fixture, unreachable server. */
export const EXIT_USAGE = 2
/** Cancelled (Ctrl-C), like a shell's 128 + SIGINT. */
export const EXIT_CANCELLED = 130

/**
 * The stable error codes a script may branch on (`{"error": {"code"}}` under `--json`); docs/cli.md
 * lists them. Adding one is fine; renaming one breaks users.
 */
export const ERROR_CODES = {
  bad_flag: EXIT_USAGE,
  bad_arg: EXIT_USAGE,
  bad_config: EXIT_USAGE,
  bad_plugin: EXIT_USAGE,
  bad_fixture: EXIT_USAGE,
  not_found: EXIT_USAGE,
  missing_api_key: EXIT_USAGE,
  unreachable: EXIT_USAGE,
  unauthorized: EXIT_USAGE,
  port_in_use: EXIT_USAGE,
  permission_denied: EXIT_USAGE,
  step_needs_answer: EXIT_USAGE,
  mcp_server: EXIT_USAGE,
  run_failed: EXIT_FAILED,
  server_error: EXIT_FAILED,
  cancelled: EXIT_CANCELLED,
  internal: EXIT_FAILED,
} as const
export type ErrorCode = keyof typeof ERROR_CODES

/** What `--json` prints on failure, under `error`. */
export interface ErrorJson {
  readonly code: ErrorCode
  readonly message: string
  readonly field?: string
}

/**
 * A failure a command reports: a stable `code`, a one-line `message` (secrets removed), the exit
 * code, and the `field` that was wrong when there is one: a flag's name without dashes (`port`), an
 * argument's name (`prompt`) or a dotted config path (`provider.model`).
 * Throw it from a command, or throw any library error: `toCommandError` classifies it.
 */
export class CommandError extends Error {
  readonly exitCode: number
  readonly field: string | undefined

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: {readonly field?: string; readonly exitCode?: number; readonly cause?: unknown} = {},
  ) {
    super(redactString(message), options.cause !== undefined ? {cause: options.cause} : {})
    this.name = 'CommandError'
    this.exitCode = options.exitCode ?? ERROR_CODES[code]
    this.field = options.field
  }

  static isInstance(error: unknown): error is CommandError {
    return error instanceof CommandError
  }

  toJSON(): ErrorJson {
    return {code: this.code, message: this.message, ...(this.field ? {field: this.field} : {})}
  }
}

/** Library error classes by `name` (no import of the layers that throw them, so every command stays light). */
const CODE_BY_ERROR_NAME: Readonly<Record<string, ErrorCode>> = {
  ConfigError: 'bad_config',
  UnknownProfileError: 'not_found',
  ProviderSetupError: 'bad_config',
  PluginLoadError: 'bad_plugin',
  InvalidPluginError: 'bad_plugin',
  PluginClashError: 'bad_plugin',
  RedisUnavailableError: 'unreachable',
  UnknownConversationError: 'not_found',
  NothingRecordedError: 'not_found',
  FixtureTooLongError: 'bad_fixture',
  StoreOpenError: 'bad_config',
  McpServerError: 'mcp_server',
}

/** The field of library errors that carry none of their own. */
const FIELD_BY_ERROR_NAME: Readonly<Record<string, string>> = {UnknownProfileError: 'profile', StoreOpenError: 'store'}

/** Node system errors (`error.code`). */
const CODE_BY_SYSTEM_CODE: Readonly<Record<string, ErrorCode>> = {
  ENOENT: 'not_found',
  ENOTDIR: 'not_found',
  EISDIR: 'bad_arg',
  EACCES: 'permission_denied',
  EPERM: 'permission_denied',
  EADDRINUSE: 'port_in_use',
  EADDRNOTAVAIL: 'bad_flag',
  ECONNREFUSED: 'unreachable',
}

/** oclif parse errors by class name: all bad input (exit 2), never a dump of oclif's config. */
const PARSE_ERRORS: Readonly<Record<string, ErrorCode>> = {
  RequiredArgsError: 'bad_arg',
  UnexpectedArgsError: 'bad_arg',
  ArgInvalidOptionError: 'bad_arg',
  InvalidArgsSpecError: 'bad_arg',
  NonExistentFlagsError: 'bad_flag',
  FlagInvalidOptionError: 'bad_flag',
  FailedFlagValidationError: 'bad_flag',
  ViolatedFlagConstraintError: 'bad_flag',
  CLIParseError: 'bad_flag',
}

type ErrorLike = Error & {
  code?: unknown
  field?: unknown
  flags?: unknown
  args?: unknown
  oclif?: {exit?: number}
}

/** Any thrown value as a CommandError: typed library errors and oclif parse errors keep their meaning. */
export function toCommandError(thrown: unknown, context: {readonly commandId?: string} = {}): CommandError {
  if (thrown instanceof CommandError) return thrown
  if (!(thrown instanceof Error)) return new CommandError('internal', String(thrown))
  const error = thrown as ErrorLike
  const field = typeof error.field === 'string' && error.field !== '' ? error.field : undefined
  const parseCode = parseErrorCode(error)
  if (parseCode) return parseError(error, parseCode, context.commandId)
  // A flag's own parser (integer, url…) failed: oclif rewrites the message to `Parsing --name \n\t…`.
  const flagParse = FLAG_PARSE.exec(error.message)
  if (flagParse) {
    const reason = lowerFirst(stripAnsi(flagParse[2]!).trim())
    return new CommandError('bad_flag', `--${flagParse[1]!}: ${reason} (${helpHint(context.commandId)})`, {
      field: flagParse[1]!,
      cause: error,
    })
  }
  // A library error that already speaks this contract (e.g. ProviderSetupError's missing_api_key).
  if (typeof error.code === 'string' && Object.hasOwn(ERROR_CODES, error.code))
    return new CommandError(error.code as ErrorCode, error.message, {...(field ? {field} : {}), cause: error})
  const byName = CODE_BY_ERROR_NAME[error.name]
  const namedField = field ?? FIELD_BY_ERROR_NAME[error.name]
  if (byName) return new CommandError(byName, error.message, {...(namedField ? {field: namedField} : {}), cause: error})
  const system = typeof error.code === 'string' ? CODE_BY_SYSTEM_CODE[error.code] : undefined
  if (system) return new CommandError(system, error.message, {cause: error})
  return new CommandError('internal', error.message || error.name, {cause: error})
}

function parseErrorCode(error: ErrorLike): ErrorCode | undefined {
  // A flag's own parse function (e.g. an integer) throws a plain Error wrapped by oclif as CLIError.
  let proto: unknown = Object.getPrototypeOf(error)
  while (proto && proto !== Error.prototype) {
    const name = (proto as {constructor?: {name?: string}}).constructor?.name
    if (name && PARSE_ERRORS[name]) return PARSE_ERRORS[name]
    proto = Object.getPrototypeOf(proto)
  }
  return undefined
}

/** oclif's parse messages, made one short line that points at the command's help. */
const FLAG_PARSE = /^Parsing --([a-z][a-z0-9-]*) \n\t([^\n]*)/i
const helpHint = (commandId: string | undefined) => `see \`jiminy ${commandId ? `${commandId.replaceAll(':', ' ')} ` : ''}--help\``

function parseError(error: ErrorLike, code: ErrorCode, commandId: string | undefined): CommandError {
  const help = helpHint(commandId)
  const names = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((item) => (typeof item === 'string' ? item : String((item as {name?: unknown}).name))) : []
  const name = error.constructor.name
  if (name === 'RequiredArgsError') {
    const args = names(error.args)
    return new CommandError(code, `missing argument ${args.map((a) => a.toUpperCase()).join(', ')} (${help})`, {
      ...(args[0] ? {field: args[0]} : {}),
      exitCode: EXIT_USAGE,
    })
  }
  if (name === 'NonExistentFlagsError') {
    const flags = names(error.flags)
    const first = flags[0]?.replace(/^-+/, '').split('=')[0]
    return new CommandError(code, `unknown flag ${flags.join(', ')} (${help})`, {
      ...(first ? {field: first} : {}),
      exitCode: EXIT_USAGE,
    })
  }
  const lines = stripAnsi(error.message)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== 'See more help with --help' && !/^The following errors? occurred:$/.test(line))
  const text = lines.map(lowerFirst).join('; ') || name
  const flag = (/--([a-z][a-z0-9-]*)/i.exec(text) ?? /required flag ([a-z][a-z0-9-]*)/i.exec(text))?.[1]
  return new CommandError(code, `${text} (${help})`, {...(flag ? {field: flag} : {}), exitCode: EXIT_USAGE})
}

const ANSI = /\u001b\[[0-9;]*m/g
const stripAnsi = (text: string) => text.replace(ANSI, '')
const lowerFirst = (text: string) => (/^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text)
