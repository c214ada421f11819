import type {CassetteHandle} from './cassette-handle.js'
import {exchangeInterceptor} from './exchange-interceptor.js'
import {ExchangePlayer} from './exchange-player.js'
import {loadCassettes} from './load-cassettes.js'

/**
 * `--mock-provider DIR`: answers provider requests made through fetch from the exchanges recorded
 * in `dir` (the one matching rule, docs/fixtures.md), so the real engine code runs with no network.
 * A request with no match is a 404 whose JSON error names the directory, the closest recorded
 * request and the field that differs, so the run ends with a clear error event. Other requests
 * (tools) go to the network.
 */
export async function startCassetteReplay(dir: string): Promise<CassetteHandle> {
  const player = new ExchangePlayer(await loadCassettes(dir), {source: dir, live: ['tool']})
  const remove = exchangeInterceptor.install({plays: true, owns: () => true, decide: (request) => player.decide(request)})
  await exchangeInterceptor.ready()
  return {
    dir,
    async stop() {
      remove()
    },
  }
}
