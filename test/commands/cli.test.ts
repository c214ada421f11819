import {execFile} from 'node:child_process'
import {cp, mkdtemp, readFile, rm, symlink} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

const exec = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const jiminy = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  exec(process.execPath, [join(root, 'bin/run.js'), ...args], {cwd: root, env: {...process.env, NO_COLOR: '1', ...env}, timeout: 20_000})

interface Failure {
  code: number
  stdout: string
  stderr: string
}
const failure = async (p: Promise<unknown>): Promise<Failure> => {
  try {
    await p
  } catch (error) {
    return error as Failure
  }
  throw new Error('expected the command to fail')
}

describe('oclif manifest', () => {
  it('the committed oclif.manifest.json matches the built commands', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jiminy-manifest-'))
    try {
      await cp(join(root, 'package.json'), join(dir, 'package.json'))
      await cp(join(root, 'dist'), join(dir, 'dist'), {recursive: true})
      await symlink(join(root, 'node_modules'), join(dir, 'node_modules'))
      await exec(process.execPath, [join(root, 'node_modules/oclif/bin/run.js'), 'manifest', dir], {cwd: dir, timeout: 60_000})
      const fresh = JSON.parse(await readFile(join(dir, 'oclif.manifest.json'), 'utf8'))
      const committed = JSON.parse(await readFile(join(root, 'oclif.manifest.json'), 'utf8'))
      expect(committed.commands, 'oclif.manifest.json is stale: run `npm run manifest` and commit it').toEqual(fresh.commands)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})

describe('jiminy CLI', () => {
  it('--help lists the commands', async () => {
    const {stdout} = await jiminy(['--help'])
    expect(stdout).toMatch(/\n\s+run\s+Run one prompt/)
    expect(stdout).toMatch(/plugins/)
  })

  it('run with the tool scenario shows the call, its result and the answer', async () => {
    const {stdout} = await jiminy(['run', 'what is 2+3? /tool'])
    expect(stdout).toMatch(/tool call calc\(\{"expression":"2\+3"\}\)/)
    expect(stdout).toMatch(/tool result: .*"value":5/)
    expect(stdout).toMatch(/2\+3 = 5/)
  })

  it('run shows thinking, then the answer, without internal markers', async () => {
    const {stdout} = await jiminy(['run', 'hi /think'])
    expect(stdout).toMatch(/^thinking: The user wrote "hi"/)
    expect(stdout).toMatch(/\nHaving thought about it: You asked: "hi"/)
    expect(stdout).not.toMatch(/\[info\]|user-prompt|thinking-ended/)
  })

  it('run --json prints {status, inference_id, turn, events} and nothing else', async () => {
    const {stdout} = await jiminy(['run', '--json', 'hello there'])
    const out = JSON.parse(stdout)
    expect(Object.keys(out).sort()).toEqual(['events', 'inference_id', 'status', 'turn'])
    expect(out.status).toBe('completed')
    expect(out.inference_id).toMatch(/^inf_/)
    expect(out.turn.blocks.map((b: {kind: string}) => b.kind)).toEqual(['user', 'llm_text'])
    expect(out.events[0]).toMatchObject({type: 'user-prompt', text: 'hello there', block_id: out.turn.blocks[0].id})
    expect(out.events[1].type).toBe('start')
    // The answer's final, then the run's middleware trace, then run-finished as the last event.
    expect(out.events.at(-3)).toMatchObject({type: 'final', meta: {stop_reason: 'stop'}})
    expect(out.events.at(-2)).toMatchObject({type: 'middleware-trace'})
    expect(out.events.at(-1)).toMatchObject({type: 'run-finished', status: 'completed'})
  })

  it('run --single-pass makes one inference and runs no tool', async () => {
    const {stdout} = await jiminy(['run', '--json', '--single-pass', '2*4 /tool'])
    const out = JSON.parse(stdout)
    expect(out.turn.blocks.map((b: {kind: string}) => b.kind)).toEqual(['user', 'llm_text', 'tool_call'])
    expect(out.events.map((e: {type: string}) => e.type)).not.toContain('tool-call-execute')
  })

  it('run --system puts one system block first; --max-iterations bounds the loop', async () => {
    const {stdout} = await jiminy(['run', '--json', '--system', 'be brief', '--max-iterations', '2', 'loop 1+1 /loop'])
    const out = JSON.parse(stdout)
    expect(out.turn.blocks[0]).toMatchObject({kind: 'system', payload: {text: 'be brief'}})
    expect(out.turn.blocks.filter((b: {kind: string}) => b.kind === 'tool_call')).toHaveLength(2)
  })

  it('a provider error exits non-zero with one line on stderr', async () => {
    const f = await failure(jiminy(['run', 'hi /error']))
    expect(f.code).toBe(1)
    expect(f.stderr.trim().split('\n')).toHaveLength(1)
    expect(f.stderr).toMatch(/simulated upstream failure/)
  })

  it('run --json on a failed run: status failed, error {code, message}, exit 1, nothing on stderr', async () => {
    const f = await failure(jiminy(['run', '--json', 'hi /error']))
    expect(f.code).toBe(1)
    expect(f.stderr).toBe('')
    const out = JSON.parse(f.stdout)
    expect(out).toMatchObject({status: 'failed', error: {code: 'run_failed', message: expect.stringMatching(/simulated upstream failure/)}})
    expect(out.turn.blocks[0]).toMatchObject({kind: 'user'})
  })

  it('an unknown profile exits non-zero with one line naming it', async () => {
    const f = await failure(jiminy(['run', '--profile', 'nope', 'hi']))
    expect(f.code).not.toBe(0)
    expect(f.stderr.trim()).toBe('jiminy: unknown profile "nope" (known: default, step)')
  })

  it('Ctrl-C cancels a slow run cleanly', async () => {
    const {spawn} = await import('node:child_process')
    const child = spawn(process.execPath, [join(root, 'bin/run.js'), 'run', 'tell a story /slow'], {
      cwd: root,
      env: {...process.env, NO_COLOR: '1'},
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    await new Promise<void>((ok) => {
      const check = () => (stdout.split(' ').length > 4 ? ok() : setTimeout(check, 20))
      check()
    })
    child.kill('SIGINT')
    const code = await new Promise<number | null>((ok) => child.on('exit', ok))
    expect(code).toBe(130)
    expect(stdout).toMatch(/\[cancelled\]/)
    expect(stderr.trim()).toBe('jiminy: run cancelled')
  })

  it('Ctrl-C under --json: the result has status cancelled and error {code: cancelled}, exit 130', async () => {
    const {spawn} = await import('node:child_process')
    const {mkdtemp, writeFile} = await import('node:fs/promises')
    // --json prints nothing until the end, so a preload tells the test (on fd 3) when the command
    // starts listening for SIGINT; the signal then cancels the run instead of killing the process.
    const dir = await mkdtemp(join(tmpdir(), 'jiminy-sigint-'))
    const preload = join(dir, 'announce-sigint.cjs')
    await writeFile(preload, "process.on('newListener', (e) => { if (e === 'SIGINT') require('node:fs').writeSync(3, 'ready') })\n")
    const child = spawn(process.execPath, ['--require', preload, join(root, 'bin/run.js'), 'run', '--json', 'tell a story /slow'], {
      cwd: root,
      env: {...process.env, NO_COLOR: '1'},
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout!.on('data', (d) => (stdout += d))
    await new Promise((ok) => child.stdio[3]!.once('data', ok))
    child.kill('SIGINT')
    const code = await new Promise<number | null>((ok) => child.on('exit', ok))
    await rm(dir, {recursive: true, force: true})
    expect(code).toBe(130)
    const out = JSON.parse(stdout)
    expect(out).toMatchObject({status: 'cancelled', error: {code: 'cancelled', message: 'run cancelled'}})
  })
})
