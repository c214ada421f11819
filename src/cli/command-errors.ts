import type {Command} from '@oclif/core'
import {redactString} from '../core/index.js'

/** Exit code for bad input (config, plugin, spec, server); 1 is reserved for "different" / failed runs. */
export const EXIT_USAGE = 2

/** Prints `jiminy: <message>` (secrets removed) to stderr and exits 2. */
export function failWith(command: Command, error: unknown): never {
  const message = error instanceof Error ? error.message : String(error)
  command.logToStderr(`jiminy: ${redactString(message)}`)
  return command.exit(EXIT_USAGE)
}
