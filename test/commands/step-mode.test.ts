import {spawn, spawnSync} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {jiminy, root} from './cli-process.js'

/**
 * `jiminy run --profile step` in a real pseudo-terminal: util-linux `script` gives the command a
 * pty as stdin/stdout; the test reads what it prints and types single keys at each prompt.
 */
const hasScript = spawnSync('script', ['--version'], {encoding: 'utf8'}).status === 0
const PROMPT = '(Enter continues) ? '

let dataHome: string
beforeAll(async () => {
  dataHome = await mkdtemp(join(tmpdir(), 'jiminy-step-'))
})
afterAll(() => rm(dataHome, {recursive: true, force: true}))

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`

/** Runs jiminy in a pty; `answer(prompt index)` gives the key to type at each step prompt. */
function inPty(args: string[], answer: (index: number) => string): Promise<{code: number | null; output: string}> {
  const command = `${quote(process.execPath)} ${quote(join(root, 'bin/run.js'))} ${args.map(quote).join(' ')}`
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: root,
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0', XDG_DATA_HOME: dataHome, JIMINY_DATA_DIR: '', JIMINY_PROFILE: ''},
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  let prompts = 0
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
    while (output.split(PROMPT).length - 1 > prompts) child.stdin.write(answer(prompts++))
  })
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise((resolve) => child.on('exit', (code) => resolve({code, output: output.replaceAll('\r', '')})))
}

describe.runIf(hasScript)('jiminy run in step mode on a terminal', () => {
  it('shows each pause with its tool calls, takes one keypress (c), and finishes', async () => {
    const r = await inPty(['run', '--profile', 'step', 'what is 2+3? /tool'], () => 'c')
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain('step after_inference: run these tool calls?\n  calc({"expression":"2+3"})\n[c]ontinue  [s]kip  [d]eny')
    expect(r.output).toContain(`${PROMPT}continue\n`)
    expect(r.output).toContain('step after_tools:')
    expect(r.output).toMatch(/tool result: .*"value":5/)
    expect(r.output).toMatch(/2\+3 = 5/)
  })

  it('d denies the calls: no tool runs and the run ends', async () => {
    const r = await inPty(['run', '--profile', 'step', '--json', 'what is 2+3? /tool'], () => 'd')
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain(`${PROMPT}deny\n`)
    const json = JSON.parse(r.output.slice(r.output.indexOf('\n{\n'))) as {
      status: string
      turn: {blocks: {kind: string; payload: {error?: string}}[]}
    }
    expect(json.status).toBe('denied')
    expect(json.turn.blocks.at(-1)).toMatchObject({kind: 'tool_use', payload: {error: 'denied by user'}})
  })

  it('Ctrl-C at a prompt cancels the run (exit 130)', async () => {
    const r = await inPty(['run', '--profile', 'step', 'what is 2+3? /tool'], () => '\u0003')
    expect(r.code, r.output).toBe(130)
    expect(r.output).toContain('jiminy: run cancelled')
  })
})

describe('jiminy run in step mode without a terminal', () => {
  it('--step deny answers every pause: it finishes denied', async () => {
    const r = await jiminy(['run', '--profile', 'step', '--step', 'deny', '--json', 'what is 2+3? /tool'], {dataHome})
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as {
      status: string
      events: {type: string; action?: string}[]
      turn: {blocks: {kind: string; payload: {error?: string}}[]}
    }
    expect(out.status).toBe('denied')
    expect(out.events.filter((e) => e.type === 'step-resumed').map((e) => e.action)).toEqual(['deny'])
    expect(out.events.at(-1)).toMatchObject({type: 'run-finished', status: 'denied'})
    expect(out.turn.blocks.at(-1)).toMatchObject({kind: 'tool_use', payload: {error: 'denied by user'}})
    expect(r.stderr).toBe('')
  })

  it('--step deny without --json says the run ended because of the denial (exit 0)', async () => {
    const r = await jiminy(['run', '--profile', 'step', '--step', 'deny', 'what is 2+3? /tool'], {dataHome})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr.trim()).toBe('jiminy: run ended: tool calls denied')
  })

  it('--step continue runs the tools and the next inference', async () => {
    const r = await jiminy(['run', '--profile', 'step', '--step', 'continue', 'what is 2+3? /tool'], {dataHome})
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/paused after_inference[\s\S]*tool result[\s\S]*paused after_tools[\s\S]*2\+3 = 5/)
    expect(r.stderr).not.toContain('denied')
  })

  it('without --step the first pause fails the run naming the flag (exit 2), never a silent wait', async () => {
    const [plain, json] = await Promise.all([
      jiminy(['run', '--profile', 'step', 'what is 2+3? /tool'], {dataHome}),
      jiminy(['run', '--profile', 'step', '--json', 'what is 2+3? /tool'], {dataHome}),
    ])
    const message = 'profile "step" paused at after_inference (step mode) and stdin is not a terminal: pass --step continue|skip|deny'
    expect(plain.code).toBe(2)
    expect(plain.stderr.trim()).toBe(`jiminy: ${message}`)
    expect(plain.stdout).toContain('paused after_inference')
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({error: {code: 'step_needs_answer', message, field: 'step'}})
  })
})
