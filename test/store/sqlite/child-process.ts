import {spawn, spawnSync, type ChildProcessWithoutNullStreams} from 'node:child_process'
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

// The child runs the built store (dist/), as a real second process would.
export const CHILD_SCRIPT = fileURLToPath(new URL('./store-child.mjs', import.meta.url))
const BUILT = fileURLToPath(new URL('../../../dist/store/index.js', import.meta.url))

export function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`)
}

/** uid/gid of `nobody` when we are root, so file permissions apply to the child (root ignores them). */
export function unprivileged(): {uid?: number; gid?: number} {
  return process.getuid?.() === 0 ? {uid: 65534, gid: 65534} : {}
}

export interface OpenResult {
  ok?: true
  error?: {reason: string; file: string; message: string}
}

export function openInChild(file: string, as: {uid?: number; gid?: number} = {}): OpenResult {
  assertBuilt()
  const r = spawnSync(process.execPath, [CHILD_SCRIPT, 'open', file], {encoding: 'utf8', ...as})
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`)
  return JSON.parse(r.stdout.trim()) as OpenResult
}

/** Starts a child in `mode` and resolves once its stdout shows a line matching `ready`. */
export async function startChild(mode: string, file: string, ready: (line: string) => boolean): Promise<ChildProcessWithoutNullStreams> {
  assertBuilt()
  const child = spawn(process.execPath, [CHILD_SCRIPT, mode, file])
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  await new Promise<void>((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      if (lines.some(ready)) {
        child.stdout.off('data', onData)
        resolve()
      }
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => reject(new Error(`child exited ${code} before it was ready: ${stderr}`)))
  })
  return child
}
