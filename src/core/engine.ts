import type {RunContext} from './run-context.js'
import type {Turn} from './turn.js'

/**
 * One model inference: reads the turn, streams events through `publish`, and returns the turn
 * with the assistant's blocks (text, reasoning, tool calls) appended. Must honour ctx.signal.
 */
export interface Engine {
  runInference(turn: Turn, ctx: RunContext): Promise<Turn>
}

/** The shape every stage of a run shares: engines, middleware-wrapped engines and the tool loop. */
export type InferenceFn = (turn: Turn, ctx: RunContext) => Promise<Turn>

export const engineAsFn =
  (engine: Engine): InferenceFn =>
  (turn, ctx) =>
    engine.runInference(turn, ctx)
