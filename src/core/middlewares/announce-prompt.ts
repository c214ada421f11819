import type {Middleware} from '../middleware.js'
import {redactString} from '../redact.js'
import {publish} from '../run-context.js'
import {blockText} from '../turn.js'

/**
 * Tells every client which prompt the engine is about to answer, so a page that did not send it
 * (another browser, a replayed fixture) still shows it. Meant to sit innermost, next to the engine,
 * so it announces the prompt as the engine sees it (after redaction middlewares); it fires only
 * when the turn ends with a user block, i.e. on a run's first inference, not on tool-loop rounds.
 */
export function announcePromptMiddleware(): Middleware {
  return (next) => (turn, ctx) => {
    const last = turn.blocks.at(-1)
    if (last?.kind === 'user') {
      publish({type: 'user-prompt', text: redactString(blockText(last)), block_id: last.id})
    }
    return next(turn, ctx)
  }
}
