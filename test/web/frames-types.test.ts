import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

/**
 * web/frames.d.ts is generated from the server's frame types (src/sem/frames.ts) by
 * scripts/generate-web-frames.js. A frame changed on the server without regenerating fails here;
 * `npm run typecheck:web` then checks the page against the generated types.
 */
const ROOT = resolve(import.meta.dirname, '../..')
const SCRIPT = join(ROOT, 'scripts', 'generate-web-frames.js')
const TARGET = join(ROOT, 'web', 'frames.d.ts')

function run(args: string[]): Promise<{code: number; output: string}> {
  return new Promise((done) => {
    execFile(process.execPath, [SCRIPT, ...args], {cwd: ROOT}, (error, stdout, stderr) =>
      done({code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr}),
    )
  })
}

// The generator type-checks src/sem/frames.ts and what it imports: seconds, so once per file.
let generated = ''
beforeAll(async () => {
  const script = (await import(SCRIPT)) as {webFramesText(): Promise<string>}
  generated = await script.webFramesText()
}, 120_000)

describe('web/frames.d.ts', () => {
  it('is what src/sem/frames.ts generates', () => {
    expect(readFileSync(TARGET, 'utf8')).toBe(generated)
  })

  it('the check fails when the page file drifts from the server types', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jiminy-frames-'))
    const copy = join(dir, 'frames.d.ts')
    try {
      // What a hand edit (or a server change without regenerating) looks like.
      writeFileSync(copy, readFileSync(TARGET, 'utf8').replace("'step.resumed'", "'step.resumed.old'"))
      const result = await run(['--check', '--file', copy])
      expect(result.code).toBe(1)
      expect(result.output).toMatch(/stale: web\/frames\.d\.ts/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }, 120_000)

  it('spells out every type it takes from core, so it stands alone (no import)', () => {
    const text = readFileSync(TARGET, 'utf8')
    expect(text).not.toMatch(/^import /m)
    for (const name of ['ToolCall', 'RunStatus', 'StepAction', 'StepPhase', 'RunTimeline', 'MiddlewareCall'])
      expect(text).toMatch(new RegExp(`export type ${name} = `))
    for (const frame of ['user.message', 'llm.thinking.start', 'run.finished', 'server.notice', 'ws.hello'])
      expect(text).toContain(`'${frame}'`)
  })
})
