import {z} from 'zod'

/** One block a middleware added, removed or changed: its kind and id, and a short redacted preview. */
export const BlockChangeSchema = z.object({
  id: z.string(),
  kind: z.string(),
  role: z.string().optional(),
  /** The block's text after the change (redacted, at most PREVIEW_CHARS characters). */
  text: z.string().optional(),
  /** For a changed block: its text before. */
  before: z.string().optional(),
})
export type BlockChange = z.infer<typeof BlockChangeSchema>

/** What one side of a middleware call did to the turn. */
export const TurnDiffSchema = z.object({
  added: z.array(BlockChangeSchema),
  removed: z.array(BlockChangeSchema),
  changed: z.array(BlockChangeSchema),
  /** The same blocks in another order. */
  reordered: z.boolean(),
})
export type TurnDiff = z.infer<typeof TurnDiffSchema>

/**
 * One middleware call: `request` is what it changed in the turn it passed down (to the next
 * middleware or the engine), `response` what it changed in the turn that came back before returning
 * it. `duration_ms` includes everything below it; `self_ms` is its own time. `start_ms` is from the
 * run's start; `round` counts the run's inferences from 1 (tool-loop rounds).
 */
export const MiddlewareCallSchema = z.object({
  name: z.string(),
  /** Position in the chain, 0 = outermost. */
  depth: z.number().int().nonnegative(),
  round: z.number().int().positive(),
  start_ms: z.number().nonnegative(),
  duration_ms: z.number().nonnegative(),
  self_ms: z.number().nonnegative(),
  request: TurnDiffSchema,
  response: TurnDiffSchema,
  error: z.string().optional(),
})
export type MiddlewareCall = z.infer<typeof MiddlewareCallSchema>
