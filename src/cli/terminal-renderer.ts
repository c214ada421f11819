import type {Event} from '../core/index.js'

export interface TerminalStyle {
  dim(text: string): string
  bold(text: string): string
  red(text: string): string
  cyan(text: string): string
}

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`
export const COLOURS: TerminalStyle = {dim: ansi(2), bold: ansi(1), red: ansi(31), cyan: ansi(36)}
export const PLAIN: TerminalStyle = {dim: (t) => t, bold: (t) => t, red: (t) => t, cyan: (t) => t}

/**
 * Turns the event stream into readable terminal text: assistant deltas as they arrive, thinking
 * dimmed, tool calls and results on their own lines. Returns what to write (possibly '').
 */
export class TerminalRenderer {
  private inThinking = false
  private atLineStart = true

  constructor(private readonly style: TerminalStyle = PLAIN) {}

  render(event: Event): string {
    const out = this.renderEvent(event)
    if (out) this.atLineStart = out.endsWith('\n')
    return out
  }

  private line(text: string): string {
    return `${this.atLineStart ? '' : '\n'}${text}\n`
  }

  private renderEvent(event: Event): string {
    const s = this.style
    switch (event.type) {
      case 'partial': {
        const lead = this.inThinking ? (this.atLineStart ? '' : '\n') : ''
        this.inThinking = false
        return lead + event.delta
      }
      case 'partial-thinking': {
        const lead = this.inThinking ? '' : this.line(s.dim('thinking:')).trimEnd() + ' '
        this.inThinking = true
        return lead + s.dim(event.delta)
      }
      case 'final':
        return this.atLineStart ? '' : '\n'
      case 'answer-revised':
        // The streamed text is on screen already; the answer the snapshot holds follows it.
        return this.line(s.bold(`↻ revised by ${event.by.join(', ')}:`)) + this.line(event.text)
      case 'tool-call':
        return this.line(s.cyan(`→ tool call ${event.tool_call.name}(${JSON.stringify(event.tool_call.args)})`))
      case 'tool-call-execution-result':
      case 'tool-result':
        return this.line(
          event.tool_result.error !== undefined
            ? s.red(`← tool error: ${event.tool_result.error}`)
            : s.cyan(`← tool result: ${JSON.stringify(event.tool_result.result)}`),
        )
      case 'step-paused':
        return this.line(s.bold(`⏸ paused ${event.phase} (${event.pause_id})`))
      case 'interrupt':
        return this.line(s.dim('[cancelled]'))
      case 'error':
        return this.line(s.red(`[error] ${event.message}`))
      case 'info':
        return this.line(s.dim(`[info] ${event.message}`))
      case 'log':
        return this.line(s.dim(`[${event.level}] ${event.message}`))
      case 'agent-mode':
        return this.line(s.dim(`[mode] ${event.mode}: ${event.message}`))
      case 'start':
      case 'tool-call-execute':
      case 'step-resumed':
      // The prompt was typed by the user, thinking's end shows as the answer starting, and a
      // one-shot run is never rebuilt.
      case 'user-prompt':
      case 'thinking-ended':
      case 'conversation-rebuilt':
      case 'run-finished':
      case 'middleware-trace':
        return ''
    }
  }
}
