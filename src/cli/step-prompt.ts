import type {PendingPause, StepAction} from '../core/index.js'
import {CommandError} from './command-error.js'
import {PLAIN, type TerminalStyle} from './terminal-renderer.js'

/** The keys of the step prompt; Enter continues. */
const KEYS: Readonly<Record<string, StepAction>> = {c: 'continue', s: 'skip', d: 'deny', '\r': 'continue', '\n': 'continue'}
const CTRL_C = '\u0003'

export interface StepAnswererOptions {
  /** `--step ACTION`: answers every pause without asking. */
  readonly action?: StepAction
  /** Where the question is read from; asked only when it is a terminal. */
  readonly input?: NodeJS.ReadStream
  /** Where the question is written (stderr, so `--json` output on stdout stays clean). */
  readonly output?: NodeJS.WritableStream
  readonly style?: TerminalStyle
  /** What the profile is called, for the error without a terminal. */
  readonly profile?: string
}

/**
 * How `jiminy run` answers step-mode pauses: `--step ACTION` answers every one; on a terminal it
 * asks with one keypress (c/s/d, showing the tool calls); otherwise the first pause fails the run
 * with a message naming the flag, so a script never waits silently for a deadline.
 */
export function stepAnswerer(options: StepAnswererOptions = {}): (pause: PendingPause, signal: AbortSignal) => Promise<StepAction> {
  const input = options.input ?? process.stdin
  const output = options.output ?? process.stderr
  const style = options.style ?? PLAIN
  return async (pause, signal) => {
    if (options.action) return options.action
    if (!input.isTTY) {
      throw new CommandError(
        'step_needs_answer',
        `${options.profile ? `profile "${options.profile}" ` : ''}paused at ${pause.phase} (step mode) and stdin is not a terminal: pass --step continue|skip|deny`,
        {field: 'step'},
      )
    }
    // The question is written once the terminal is raw, so a key typed at once is read as a key.
    const action = await readKey(input, signal, () => output.write(describePause(pause, style)))
    output.write(`${action}\n`)
    return action
  }
}

/** The question: the phase, each tool call, and the keys. */
export function describePause(pause: PendingPause, style: TerminalStyle = PLAIN): string {
  const what = pause.phase === 'after_inference' ? 'run these tool calls?' : 'tools done; go on with the next inference?'
  const calls = pause.toolCalls.map((call) => `  ${style.cyan(`${call.name}(${JSON.stringify(call.args)})`)}\n`).join('')
  return `step ${pause.phase}: ${what}\n${calls}${style.bold('[c]ontinue  [s]kip  [d]eny')} (Enter continues) ? `
}

/** One keypress in raw mode; Ctrl-C raises SIGINT (raw mode swallows it), which cancels the run. */
function readKey(input: NodeJS.ReadStream, signal: AbortSignal, ready: () => void): Promise<StepAction> {
  return new Promise((resolve, reject) => {
    const wasRaw = input.isRaw
    const done = () => {
      input.off('data', onData)
      signal.removeEventListener('abort', onAbort)
      input.setRawMode(wasRaw)
      input.pause()
    }
    const onData = (chunk: Buffer | string) => {
      const key = chunk.toString().slice(0, 1).toLowerCase()
      // The run's SIGINT handler cancels it, which aborts `signal` and ends this prompt.
      if (key === CTRL_C) return void process.kill(process.pid, 'SIGINT')
      const action = KEYS[key]
      if (!action) return
      done()
      resolve(action)
    }
    const onAbort = () => {
      done()
      reject(new CommandError('cancelled', 'run cancelled'))
    }
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, {once: true})
    input.setRawMode(true)
    input.on('data', onData)
    input.resume()
    ready()
  })
}
