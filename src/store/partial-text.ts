import {z} from 'zod'

// Only what recovery needs from an `llm.delta` SEM frame; other fields pass untouched.
const DeltaFrameSchema = z.object({
  sem: z.literal(true),
  event: z.object({type: z.literal('llm.delta'), inference_id: z.string(), cumulative: z.string()}),
})

/**
 * The text a run had streamed when it stopped: the `cumulative` of the newest `llm.delta` frame of
 * that inference. `framesNewestFirst` yields frame json of `llm.delta` frames; the scan stops at
 * the first match. Recovery is the one place the store reads a frame's content, and it only reads.
 */
export function partialTextOf(framesNewestFirst: Iterable<string>, inferenceId: string): string | undefined {
  for (const json of framesNewestFirst) {
    let parsed: unknown
    try {
      parsed = JSON.parse(json)
    } catch {
      continue
    }
    const delta = DeltaFrameSchema.safeParse(parsed)
    if (delta.success && delta.data.event.inference_id === inferenceId) return delta.data.event.cumulative
  }
  return undefined
}
