import {z} from 'zod'

/** Times are milliseconds from the run's start (`start_ms`) or lengths (`*_ms`). */
export const RunTimelineSchema = z.object({
  total_ms: z.number().nonnegative(),
  inferences: z.array(
    z.object({
      message_id: z.string(),
      model: z.string().optional(),
      start_ms: z.number().nonnegative(),
      /** Time to first token (text or thinking), from the message's start. */
      first_token_ms: z.number().nonnegative().optional(),
      duration_ms: z.number().nonnegative(),
      output_tokens: z.number().nonnegative().optional(),
      /** output_tokens over the streaming time (first token to final). */
      tokens_per_s: z.number().nonnegative().optional(),
    }),
  ),
  tools: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      start_ms: z.number().nonnegative(),
      duration_ms: z.number().nonnegative(),
      error: z.boolean().optional(),
    }),
  ),
  pauses: z.array(
    z.object({
      pause_id: z.string(),
      phase: z.string(),
      start_ms: z.number().nonnegative(),
      wait_ms: z.number().nonnegative(),
      action: z.string().optional(),
      timed_out: z.boolean().optional(),
    }),
  ),
})
export type RunTimeline = z.infer<typeof RunTimelineSchema>
