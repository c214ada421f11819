/**
 * A recorded body served back in the chunks it arrived in (so every parser sees the same cuts as
 * against the real API), or whole when the recorded sizes do not add up. An aborted `signal` fails
 * the stream as a real connection would.
 */
export function chunkedStream(bytes: Uint8Array, sizes: readonly number[], signal?: AbortSignal): ReadableStream<Uint8Array> {
  const total = sizes.reduce((a, b) => a + b, 0)
  const plan = total === bytes.byteLength && sizes.length > 0 ? sizes : [bytes.byteLength]
  let offset = 0
  let i = 0
  return new ReadableStream({
    pull(controller) {
      if (signal?.aborted) {
        controller.error(signal.reason)
        return
      }
      if (i >= plan.length) {
        controller.close()
        return
      }
      const size = plan[i++]!
      controller.enqueue(bytes.slice(offset, offset + size))
      offset += size
    },
  })
}
