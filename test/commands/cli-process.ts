import {execFile} from 'node:child_process'
import {join, resolve} from 'node:path'

export const root = resolve(import.meta.dirname, '../..')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs the built CLI (`node bin/run.js …`) with an isolated oclif data dir (no plugin of the
 * developer's machine is seen) and no colour; resolves with the exit code instead of throwing.
 */
export function jiminy(args: string[], options: {env?: NodeJS.ProcessEnv; cwd?: string; dataHome: string}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'bin/run.js'), ...args],
      {
        cwd: options.cwd ?? root,
        env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', XDG_DATA_HOME: options.dataHome, JIMINY_DATA_DIR: '', ...options.env},
        timeout: 30_000,
      },
      (error, stdout, stderr) => done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr}),
    )
  })
}
