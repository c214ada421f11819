import {spawn} from 'node:child_process'

/**
 * Tries to open url in the desktop browser: only when stdout is a terminal and not in CI. Never
 * throws and never waits; returns whether it tried.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY): boolean {
  if (!isTTY || env.CI) return false
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]]
  try {
    const child = spawn(command, args, {stdio: 'ignore', detached: true})
    child.on('error', () => undefined)
    child.unref()
    return true
  } catch {
    return false
  }
}
