import {execFile} from 'node:child_process'
import {copyFile, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const ROOT = join(import.meta.dirname, '../..')

interface Report {
  ok: boolean
  fixtures: {fixture: string; status: string; violations: {rule: string; line: number; expected?: unknown}[]}[]
}

function replay(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/run.js'), 'replay', ...args],
      {cwd: ROOT, maxBuffer: 256 * 1024 * 1024, env: {...process.env, NO_COLOR: '1'}},
      (error, stdout, stderr) => done({code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr}),
    )
  })
}

describe('jiminy replay: huge lines, empty fixtures, missing goldens', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jiminy-replay-edge-'))
  })
  afterAll(async () => {
    await rm(dir, {recursive: true, force: true})
  })

  it('--json prints one JSON document for a fixture whose 11 MB line is quoted in a violation', async () => {
    const lines = (await readFile(join(ROOT, 'fixtures/plain-text.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as {payload: {type: string; delta?: string; completion?: string}})
    const partial = lines.find((l) => l.payload.type === 'partial')!
    const big = 'x'.repeat(11 * 1024 * 1024)
    // The cumulative no longer matches the delta: the violation carries the 11 MB text.
    partial.payload.delta = big
    partial.payload.completion = big
    const fixture = join(dir, 'huge-line.jsonl')
    await writeFile(fixture, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')
    const r = await replay(fixture, '--json')
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as Report
    expect(report.ok).toBe(false)
    expect(report.fixtures[0]!.violations.map((v) => v.rule)).toContain('delta-cumulative')
    expect(r.stdout.length).toBeGreaterThan(big.length)
  }, 120_000)

  it('an empty fixture fails (fixture-not-empty), with and without --json', async () => {
    const fixture = join(dir, 'empty.jsonl')
    await writeFile(fixture, '\n\n')
    const text = await replay(fixture)
    expect(text.code).toBe(1)
    expect(text.stdout).toContain(`${fixture}:1 [fixture-not-empty] the fixture holds no event`)
    const json = await replay(fixture, '--json')
    expect(json.code).toBe(1)
    expect((JSON.parse(json.stdout) as Report).fixtures[0]!.violations).toMatchObject([{rule: 'fixture-not-empty'}])
  })

  it('a fixture without a golden passes by default and fails with --require-golden', async () => {
    const fixture = join(dir, 'no-golden.jsonl')
    await copyFile(join(ROOT, 'fixtures/plain-text.jsonl'), fixture)
    expect((await replay(fixture)).code).toBe(0)
    const r = await replay(fixture, '--require-golden', '--json')
    expect(r.code).toBe(1)
    expect((JSON.parse(r.stdout) as Report).fixtures[0]!.violations).toMatchObject([{rule: 'golden-required', line: 1}])
    await copyFile(join(ROOT, 'fixtures/plain-text.sem.jsonl'), join(dir, 'no-golden.sem.jsonl'))
    expect((await replay(fixture, '--require-golden')).code).toBe(0)
  })

  it('--require-golden passes the shipped fixtures (each has its golden)', async () => {
    const r = await replay('fixtures/', '--require-golden')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })
})
