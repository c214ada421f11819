import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll} from 'vitest'

/** A fresh temp directory per test file, removed at the end; `file()` names a new db inside it. */
export function tempStoreDir(prefix: string): {dir: string; file: (name?: string) => string} {
  const dir = mkdtempSync(join(tmpdir(), `jiminy-store-${prefix}-`))
  let n = 0
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  return {dir, file: (name) => join(dir, name ?? `store-${++n}.db`)}
}

/** Resolves once `check()` holds, polling; fails after `timeoutMs` instead of asserting a time. */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
