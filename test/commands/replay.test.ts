import {execFile} from 'node:child_process'
import {copyFile, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const ROOT = join(import.meta.dirname, '../..')
const run = promisify(execFile)

async function replay(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  try {
    const {stdout, stderr} = await run(process.execPath, [join(ROOT, 'bin/run.js'), 'replay', ...args], {cwd: ROOT})
    return {code: 0, stdout, stderr}
  } catch (error) {
    const e = error as {code: number; stdout: string; stderr: string}
    return {code: e.code, stdout: e.stdout, stderr: e.stderr}
  }
}

describe('jiminy replay', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jiminy-replay-cmd-'))
  })
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('passes the shipped fixtures with exit 0 and no progress bar when stderr is not a terminal', async () => {
    const r = await replay('fixtures/')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/PASS fixtures\/tool-loop-two-tools\.jsonl .*golden matched/)
    expect(r.stdout).toMatch(/\d+ fixtures: \d+ passed, 0 failed/)
    expect(r.stderr).toBe('')
  })

  it('fails with exit 1 naming the fixture, line, rule, expected and actual', async () => {
    const r = await replay('test/fixtures/broken/seq-step.jsonl')
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('FAIL test/fixtures/broken/seq-step.jsonl')
    expect(r.stdout).toContain('test/fixtures/broken/seq-step.jsonl:5 [seq-step]')
    expect(r.stdout).toMatch(/expected: 5\n/)
    expect(r.stdout).toMatch(/actual: +\{"type":"llm\.final".*"seq":7\}/)
  })

  it('--json prints the machine report', async () => {
    const r = await replay('test/fixtures/broken/tool-order.jsonl', 'fixtures/plain-text.jsonl', '--json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as {
      ok: boolean
      passed: number
      failed: number
      fixtures: {fixture: string; status: string; violations: {rule: string; line: number}[]}[]
    }
    expect(report).toMatchObject({ok: false, passed: 1, failed: 1})
    expect(report.fixtures[0]).toMatchObject({
      fixture: 'test/fixtures/broken/tool-order.jsonl',
      status: 'failed',
      violations: [{rule: 'tool-order', line: 7}],
    })
  })

  it('--update writes a golden that later replays match, and a changed golden fails', async () => {
    const fixture = join(dir, 'step.jsonl')
    await copyFile(join(ROOT, 'fixtures/step-mode.jsonl'), fixture)
    const first = await replay(fixture, '--update')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('golden written')
    const golden = await readFile(join(dir, 'step.sem.jsonl'), 'utf8')
    expect(golden).toBe(await readFile(join(ROOT, 'fixtures/step-mode.sem.jsonl'), 'utf8'))
    expect((await replay(fixture)).stdout).toContain('golden matched')
    await writeFile(join(dir, 'step.sem.jsonl'), golden.split('\n').slice(0, 3).join('\n') + '\n')
    const short = await replay(fixture, '--json')
    expect(short.code).toBe(1)
    expect(JSON.parse(short.stdout).fixtures[0].violations[0]).toMatchObject({rule: 'golden-mismatch', expected: '<end of golden file>'})
  })

  it('expands quoted globs and reports inputs that name nothing', async () => {
    const glob = await replay('fixtures/*-mode.jsonl')
    expect(glob.code).toBe(0)
    expect(glob.stdout).toContain('PASS fixtures/step-mode.jsonl')
    const missing = await replay('fixtures/plain-text.jsonl', 'no/such/fixture.jsonl')
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain('MISSING no/such/fixture.jsonl')
  })
})
