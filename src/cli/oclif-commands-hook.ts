import {existsSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import type {Hook} from '@oclif/core/hooks'
import type {ErrorCode, ErrorJson} from './command-error.js'

type Config = Parameters<Hook<'init'>>[0]['config']

/**
 * The `init` hook that keeps docs/cli.md's contract for the commands jiminy takes from oclif's
 * plugins (`help`, `plugins …`), which do not extend JiminyCommand: before oclif runs one, the bad
 * inputs they would answer with a stack trace, an oclif-styled error or (`plugins link ./nope`)
 * a false "done" are answered here, the way every jiminy command answers: `jiminy: <message>` on
 * stderr, or `{"error": {code, message, field?}}` on stdout under `--json`, exit 2. Our own commands
 * handle their errors themselves (JiminyCommand); nothing here touches them.
 */
const hook: Hook<'init'> = async function ({id, argv, config}) {
  if (id === undefined || !isForeign(id, config)) return
  const problem = problemOf(id, argv, config)
  if (!problem) return
  // Loaded only now: command-error.js pulls in core/, which every other command start would pay for.
  const {CommandError} = await import('./command-error.js')
  const error = new CommandError(problem.code, problem.message, problem.field !== undefined ? {field: problem.field} : {})
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify({error: error.toJSON()}, null, 2)}\n`)
  else process.stderr.write(`${config.bin}: ${error.message}\n`)
  // An oclif exit: no message of its own, the process ends with this code.
  this.exit(error.exitCode)
}

const failure = (code: ErrorCode, message: string, field: string): ErrorJson => ({code, message, field})

export default hook

/** A command oclif's plugins bring (help, plugins …), not one of ours. */
function isForeign(id: string, config: Config): boolean {
  const command = config.findCommand(id)
  return command !== undefined && command.pluginName !== config.pjson.name
}

/** The contract violation oclif would make of this invocation, as the error jiminy gives instead. */
function problemOf(id: string, argv: readonly string[], config: Config): ErrorJson | undefined {
  const args = argv.filter((a) => !a.startsWith('-'))
  const name = id.replaceAll(':', ' ')
  switch (id) {
    case 'help': {
      const target = args.join(':')
      if (target !== '' && !config.findCommand(target) && !config.findTopic(target)) {
        return failure('not_found', `command ${args.join(' ')} not found (see \`${config.bin} --help\`)`, 'command')
      }
      break
    }
    case 'plugins:link': {
      const path = args[0] ?? '.'
      if (!existsSync(path)) return failure('not_found', `plugin directory ${path} does not exist`, 'path')
      if (!statSync(path).isDirectory())
        return failure('bad_arg', `${path} is not a directory (plugins link takes a plugin's folder)`, 'path')
      if (!existsSync(resolve(path, 'package.json'))) {
        return failure('bad_arg', `${path} has no package.json: a plugin folder is an npm package`, 'path')
      }
      break
    }
    case 'plugins:inspect':
    case 'plugins:uninstall': {
      const missing = args.find((a) => a !== '.' && !isInstalled(a, config))
      if (missing !== undefined) return failure('not_found', `plugin ${missing} is not installed (see \`${config.bin} plugins\`)`, 'plugin')
      break
    }
    default:
      break
  }
  // oclif would stop at the unknown flag with its usage text: say it in one line instead.
  if (argv.includes('--json') && config.findCommand(id)?.flags.json === undefined) {
    return failure('bad_flag', `\`${config.bin} ${name}\` has no --json output; run it without --json`, 'json')
  }
  return undefined
}

/** As plugin-plugins resolves a name: the package name, or its short form (`foo` for `jiminy-plugin-foo` / `@scope/plugin-foo`). */
function isInstalled(name: string, config: Config): boolean {
  return config
    .getPluginsList()
    .some((p) => p.name === name || p.name.endsWith(`/${name}`) || p.name.endsWith(`-${name}`) || p.alias === name)
}
