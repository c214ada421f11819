/**
 * Passes a response body through to its reader unchanged, keeping a copy of every chunk as it
 * arrived; `done(chunks)` is called once, when the body ends, fails or is cancelled, or when the
 * owner calls `finish()` (a recorder stopping with the body still open).
 */
export function teeBody(
  body: ReadableStream<Uint8Array>,
  done: (chunks: Uint8Array[]) => void,
): {readonly stream: ReadableStream<Uint8Array>; readonly finish: () => void} {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let finished = false
  const finish = () => {
    if (finished) return
    finished = true
    done(chunks)
  }
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const {done: ended, value} = await reader.read()
        if (ended) {
          finish()
          controller.close()
          return
        }
        chunks.push(value)
        controller.enqueue(value)
      } catch (error) {
        finish()
        controller.error(error)
      }
    },
    cancel(reason) {
      finish()
      return reader.cancel(reason)
    },
  })
  return {stream, finish}
}
