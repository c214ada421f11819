import {mkdir, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {CASSETTE_VERSION, encodeBody, type CassetteEntry} from './cassette-format.js'
import type {CassetteHandle} from './cassette-handle.js'
import {teeBody} from './tee-body.js'
import {identifyProviderRequest} from './identify-provider-request.js'
import {redactCassetteEntry, redactHeaders, redactUrl, replayableResponseHeaders} from './redact-exchange.js'

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
  const inFlight = new Set<() => void>()

  const server = setupServer(
    http.post('*', async ({request}) => {
      const text = await request.clone().text()
      const body = parseJson(text)
      const identity = identifyProviderRequest(request.url, body)
      if (!identity) return undefined
      const upstream = await fetch(bypass(request), {signal: request.signal})
      const recordedRequest = {
        method: request.method,
        url: redactUrl(request.url),
        headers: redactHeaders(request.headers),
        body: body ?? text,
      }
      const number = ++sequence
      const save = (bytes: Uint8Array, chunkSizes: number[]) => {
        const entry: CassetteEntry = redactCassetteEntry({
          version: CASSETTE_VERSION,
          provider: identity.provider,
          model: identity.model,
          match_key: identity.matchKey,
          recorded_at: new Date().toISOString(),
          request: recordedRequest,
          response: {
            status: upstream.status,
            headers: replayableResponseHeaders(upstream.headers),
            ...encodeBody(bytes),
            chunk_sizes: chunkSizes,
          },
        })
        const file = join(dir, `${String(number).padStart(4, '0')}-${identity.provider}-${identity.matchKey.slice(0, 12)}.json`)
        const write = writeFile(file, `${JSON.stringify(entry, null, 2)}\n`).finally(() => pending.delete(write))
        pending.add(write)
      }
      if (!upstream.body) {
        save(new Uint8Array(), [])
        return new Response(null, {status: upstream.status, headers: replayableResponseHeaders(upstream.headers)})
      }
      const tee = teeBody(upstream.body, (chunks) => {
        inFlight.delete(tee.finish)
        save(
          new Uint8Array(Buffer.concat(chunks)),
          chunks.map((c) => c.byteLength),
        )
      })
      inFlight.add(tee.finish)
      return new Response(tee.stream, {
        status: upstream.status,
        statusText: upstream.statusText,
        headers: replayableResponseHeaders(upstream.headers),
      })
    }),
  )
  server.listen({onUnhandledRequest: 'bypass'})
  return {
    dir,
    async stop() {
      // A stream still open when recording stops is saved as far as it got.
      for (const finish of [...inFlight]) finish()
      while (pending.size > 0) await Promise.allSettled([...pending])
      server.close()
    },
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
