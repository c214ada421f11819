// The HTTP client both peer benches read answers with: POSTs, reads the SSE body as it arrives and counts
// `text-delta` chunks (the same parsing cost for jiminy's answers and the peer's).

/** POSTs `body` to `url` and reads the UI message stream: text-delta count, chunks/s, ms to the first one. */
export async function readTextDeltas({url, body}, {keep = false, onChunk} = {}) {
  const start = performance.now()
  const res = await fetch(url, {method: 'POST', headers: {'content-type': 'application/json'}, body})
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`)
  const decoder = new TextDecoder()
  let firstMs = 0
  let count = 0
  let rest = ''
  const deltas = []
  for await (const bytes of res.body) {
    rest += decoder.decode(bytes, {stream: true})
    let at
    while ((at = rest.indexOf('\n\n')) >= 0) {
      const event = rest.slice(0, at)
      rest = rest.slice(at + 2)
      if (!event.startsWith('data: {"type":"text-delta"')) continue
      if (count++ === 0) firstMs = performance.now() - start
      if (keep) deltas.push(JSON.parse(event.slice(6)).delta)
      onChunk?.(count)
    }
  }
  if (count === 0) throw new Error(`${url}: no text-delta chunk`)
  return {count, chunksPerSec: count / ((performance.now() - start) / 1000), firstMs, deltas}
}
