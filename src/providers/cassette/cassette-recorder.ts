import {mkdir, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {CASSETTE_VERSION, encodeBody, type CassetteEntry} from './cassette-format.js'
import type {CassetteHandle} from './cassette-handle.js'
import {identifyProviderRequest} from './identify-provider-request.js'
import {redactHeaders, redactUrl, replayableResponseHeaders} from './redact-exchange.js'

/**
 * Records every provider HTTP exchange made through the global fetch into `dir`, one JSON file
 * each, while passing the live stream through untouched. Other requests are not intercepted.
 */
export async function startCassetteRecorder(dir: string): Promise<CassetteHandle> {
  const {setupServer} = await import('msw/node')
  const {http, bypass} = await import('msw')
  await mkdir(dir, {recursive: true})
  let sequence = (await readdir(dir)).filter((f) => f.endsWith('.json')).length
  const pending = new Set<Promise<void>>()

  const server = setupServer(
    http.post('*', async ({request}) => {
      const text = await request.clone().text()
      const body = parseJson(text)
      const identity = identifyProviderRequest(request.url, body)
      if (!identity) return undefined
      const upstream = await fetch(bypass(request), {signal: request.signal})
      const recordedRequest = {method: request.method, url: redactUrl(request.url), headers: redactHeaders(request.headers), body: body ?? text}
      const number = ++sequence
      const save = (bytes: Uint8Array, chunkSizes: number[]) => {
        const entry: CassetteEntry = {
          version: CASSETTE_VERSION,
          provider: identity.provider,
          model: identity.model,
          match_key: identity.matchKey,
          recorded_at: new Date().toISOString(),
          request: recordedRequest,
          response: {status: upstream.status, headers: replayableResponseHeaders(upstream.headers), ...encodeBody(bytes), chunk_sizes: chunkSizes},
        }
        const file = join(dir, `${String(number).padStart(4, '0')}-${identity.provider}-${identity.matchKey.slice(0, 12)}.json`)
        const write = writeFile(file, `${JSON.stringify(entry, null, 2)}\n`).finally(() => pending.delete(write))
        pending.add(write)
      }
      if (!upstream.body) {
        save(new Uint8Array(), [])
        return new Response(null, {status: upstream.status, headers: replayableResponseHeaders(upstream.headers)})
      }
      const [toClient, toTape] = upstream.body.tee()
      const copy = collect(toTape).then(({bytes, sizes}) => save(bytes, sizes))
      pending.add(copy)
      void copy.finally(() => pending.delete(copy))
      return new Response(toClient, {status: upstream.status, statusText: upstream.statusText, headers: replayableResponseHeaders(upstream.headers)})
    }),
  )
  server.listen({onUnhandledRequest: 'bypass'})
  return {
    dir,
    async stop() {
      while (pending.size > 0) await Promise.allSettled([...pending])
      server.close()
    },
  }
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<{bytes: Uint8Array; sizes: number[]}> {
  const chunks: Uint8Array[] = []
  const reader = stream.getReader()
  try {
    for (;;) {
      const {done, value} = await reader.read()
      if (done) break
      chunks.push(value)
    }
  } catch {
    // The client aborted or the connection broke: keep what arrived, exactly as it arrived.
  }
  return {bytes: new Uint8Array(Buffer.concat(chunks)), sizes: chunks.map((c) => c.byteLength)}
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
