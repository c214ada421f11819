import {pino, type DestinationStream, type Logger} from 'pino'
import pretty from 'pino-pretty'
import {redactString} from '../core/index.js'

export type {Logger} from 'pino'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

const REDACT = {
  paths: [
    'token',
    '*.token',
    'authorization',
    '*.authorization',
    'headers.authorization',
    'headers.cookie',
    '*.headers.authorization',
    '*.headers.cookie',
    'api_key',
    '*.api_key',
  ],
  censor: '[redacted]',
}

/**
 * The server's structured log: JSON lines on stderr (stdout is for the URL), with credentials
 * censored wherever they could appear.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({name: 'jiminy', level, redact: REDACT}, scrubbing(pino.destination({dest: 2, sync: true})))
}

/** Every log line, whatever field a secret hides in (an upstream error text), scrubbed of known secrets. */
function scrubbing(target: DestinationStream): DestinationStream {
  return {write: (line: string) => target.write(redactString(line))}
}

export interface ServeLogger {
  readonly logger: Logger
  /** Writes the lines held so far, then every later line as it comes. */
  release(): void
}

/**
 * The log of `jiminy serve`: pretty (pino-pretty) when stderr is a terminal, JSON lines otherwise,
 * and held until `release()`, so the URL is the first line a user or a script sees.
 */
export function createServeLogger(level: LogLevel, options: {pretty: boolean; colorize?: boolean}): ServeLogger {
  const target = scrubbing(
    options.pretty
      ? pretty({destination: 2, sync: true, colorize: options.colorize ?? false, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss'})
      : pino.destination({dest: 2, sync: true}),
  )
  let held: string[] | undefined = []
  const destination: DestinationStream = {
    write(line: string) {
      if (held) held.push(line)
      else target.write(line)
    },
  }
  return {
    logger: pino({name: 'jiminy', level, redact: REDACT}, destination),
    release() {
      const lines = held ?? []
      held = undefined
      for (const line of lines) target.write(line)
    },
  }
}
