import {readFileSync} from 'node:fs'
import {watchFiles} from './file-watch.js'

export const CONFIG_CHANGED_HINT = 'config changed on disk; restart or use --watch'

/**
 * `serve` without `--watch`: the first real edit of the config file (its content differs from what
 * the server loaded; a touch is not one) logs CONFIG_CHANGED_HINT once, so a user who edits and sees
 * nothing happen learns why. Then it stops watching.
 */
export function hintConfigChanges(configPath: string, logger: {warn(fields: object, message: string): void}): {close(): void} {
  const loaded = contentOf(configPath)
  let done = false
  const watcher = watchFiles(
    [configPath],
    () => {
      if (done || contentOf(configPath) === loaded) return
      done = true
      watcher.close()
      logger.warn({file: configPath}, CONFIG_CHANGED_HINT)
    },
    // Not watching is no failure: the hint is a courtesy.
    () => undefined,
  )
  return {close: () => watcher.close()}
}

function contentOf(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
