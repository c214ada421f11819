import {Command} from '@oclif/core/command'
import * as Errors from '@oclif/core/errors'
import * as Flags from '@oclif/core/flags'
import {ux} from '@oclif/core/ux'
import {redactString} from '../core/redact.js'
import {useColour} from './colour.js'
import {CommandError, toCommandError, type ErrorCode, type ErrorJson} from './command-error.js'

/** Past this, `--json` output is printed without colour (see logJson). */
const MAX_COLOURED_JSON_CHARS = 256 * 1024

/**
 * The base of every jiminy command: the one command error handler (DESIGN §7).
 *
 * - Anything a command throws (a CommandError, a typed library error, an oclif parse error) becomes
 *   a CommandError with a stable code, a one-line message without secrets and an exit code.
 * - Without `--json` it prints `jiminy: <message>` on stderr; with `--json` it prints
 *   `{"error": {"code", "message", "field"?}}` on stdout. The exit code is the same either way.
 * - `-h` shows the command's help, `--json` is on every command.
 *
 * A command's `run()` returns its result object (printed by oclif under `--json`), sets
 * `process.exitCode` for "different"/"failed" results, and throws for everything else.
 */
export abstract class JiminyCommand extends Command {
  static override enableJsonFlag = true
  static override baseFlags = {
    help: Flags.help({char: 'h', description: 'Show this help.', helpGroup: 'GLOBAL'}),
  }

  /** Throws a CommandError; a command's way of saying "bad input" with a code and the field. */
  protected fail(code: ErrorCode, message: string, options: {field?: string; exitCode?: number} = {}): never {
    throw new CommandError(code, message, options)
  }

  protected override async catch(thrown: Error & {exitCode?: number}): Promise<unknown> {
    // `this.exit(n)` (and `-h`) are deliberate exits, not failures.
    if (thrown instanceof Errors.ExitError) throw thrown
    const error = toCommandError(thrown, {...(this.id ? {commandId: this.id} : {})})
    if (this.jsonEnabled()) this.logJson(this.toErrorJson(error))
    else this.logToStderr(`jiminy: ${error.message}`)
    if (error.code === 'internal' && process.env.DEBUG) process.stderr.write(`${thrown.stack ?? ''}\n`)
    // oclif's handler exits with this code without printing anything more.
    return this.exit(error.exitCode)
  }

  /**
   * One JSON document on stdout, whatever its size. oclif's own logJson colours with a tokenizer
   * whose regexps recurse per character: a 10 MB string overflowed the stack and printed nothing.
   * Colour only for a terminal and a document small enough to read there.
   */
  override logJson(json: unknown): void {
    // Every command's JSON is redacted by value on its way out, as `serve` redacts what it sends.
    const text = redactString(JSON.stringify(json, null, 2))
    const colour = useColour(process.stdout) && text.length <= MAX_COLOURED_JSON_CHARS
    process.stdout.write(`${colour ? ux.colorizeJson(text, {pretty: true, theme: this.config.theme?.json}) : text}\n`)
  }

  protected override toErrorJson(error: unknown): {error: ErrorJson} {
    return {error: toCommandError(error).toJSON()}
  }
}
