import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

interface PackageJson {
  readonly version?: string
  readonly bin?: Record<string, string>
}

let found: {root: string; manifest: PackageJson} | undefined

/** The jiminy package (root folder and package.json): found by walking up from this module (works from src/ and dist/). */
function jiminyPackage(): {root: string; manifest: PackageJson} {
  if (found) return found
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const path = join(dir, 'package.json')
    // Recognised by its bin, not its npm name (which is not `jiminy`: that name belongs to another package).
    const manifest = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as PackageJson) : undefined
    if (manifest?.bin?.jiminy !== undefined) return (found = {root: dir, manifest})
    const parent = dirname(dir)
    if (parent === dir) throw new Error('cannot find the jiminy package root (package.json) above ' + fileURLToPath(import.meta.url))
    dir = parent
  }
}

export function packageRoot(): string {
  return jiminyPackage().root
}

export function packageVersion(): string {
  return jiminyPackage().manifest.version ?? '0.0.0'
}
