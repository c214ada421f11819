import {pino, type Logger} from 'pino'

export type {Logger} from 'pino'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * The server's structured log: JSON lines on stderr (stdout is for the URL), with credentials
 * censored wherever they could appear.
 */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino(
    {
      name: 'jiminy',
      level,
      redact: {
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
      },
    },
    pino.destination({dest: 2, sync: true}),
  )
}
