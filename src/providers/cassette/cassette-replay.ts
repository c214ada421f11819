import {chunkedStream} from './chunked-stream.js'
import {decodeBody, type CassetteEntry} from './cassette-format.js'
import type {CassetteHandle} from './cassette-handle.js'
import {identifyProviderRequest} from './identify-provider-request.js'
import {loadCassettes} from './load-cassettes.js'

/**
 * Answers provider requests made through the global fetch from the exchanges recorded in `dir`,
 * through msw, so the real engine code runs with no network. A request is matched by provider,
 * model and message content; failing that, the next unused exchange of the same provider and
 * model (so tool results that vary from run to run, like a clock, still replay). No match at all
 * is a 404 whose JSON error names the directory, so the run ends with a clear error event.
 */
export async function startCassetteReplay(dir: string): Promise<CassetteHandle> {
  const entries = await loadCassettes(dir)
  const {setupServer} = await import('msw/node')
  const {http, HttpResponse} = await import('msw')
  const used = new Set<CassetteEntry>()

  const pick = (provider: string, model: string, matchKey: string): CassetteEntry | undefined => {
    const exact = entries.filter((e) => e.match_key === matchKey)
    const sameModel = entries.filter((e) => e.provider === provider && e.model === model)
    return exact.find((e) => !used.has(e)) ?? sameModel.find((e) => !used.has(e)) ?? exact.at(-1)
  }

  const server = setupServer(
    http.post('*', async ({request}) => {
      const text = await request.clone().text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      const identity = identifyProviderRequest(request.url, body)
      if (!identity) return undefined
      const entry = pick(identity.provider, identity.model, identity.matchKey)
      if (!entry) {
        return HttpResponse.json(
          {
            error: {
              message: `no recorded exchange in ${dir} matches this ${identity.provider} request for model ${JSON.stringify(identity.model)}`,
              type: 'cassette_miss',
            },
          },
          {status: 404},
        )
      }
      used.add(entry)
      return new Response(chunkedStream(decodeBody(entry.response), entry.response.chunk_sizes), {
        status: entry.response.status,
        headers: entry.response.headers,
      })
    }),
  )
  server.listen({onUnhandledRequest: 'bypass'})
  return {
    dir,
    async stop() {
      server.close()
    },
  }
}
