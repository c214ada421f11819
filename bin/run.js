#!/usr/bin/env node
import {fileURLToPath} from 'node:url'

// Root help (`jiminy`, `--help`, `-h`, `help`) is rendered from the manifests without loading
// @oclif/core, which alone takes about twice node's own start-up (src/cli/root-help.ts); whenever
// the fast path cannot mirror oclif exactly it returns undefined and oclif runs as usual.
// JIMINY_ROOT_HELP=oclif skips it (the tests compare both).
const argv = process.argv.slice(2)
const fast =
  process.env.JIMINY_ROOT_HELP !== 'oclif' && (argv.length === 0 || (argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0])))
const help = fast ? (await import('../dist/cli/root-help.js')).rootHelpText(fileURLToPath(new URL('..', import.meta.url)), argv) : undefined
if (help === undefined) {
  const {execute} = await import('@oclif/core/execute')
  await execute({dir: import.meta.url})
} else {
  process.stdout.write(help)
}
