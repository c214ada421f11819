import {chunkedStream} from './chunked-stream.js'
import {decodeBody, exchangeLabel, type CassetteEntry, type ExchangeKind} from './cassette-format.js'
import type {OutgoingRequest} from './exchange-capture.js'
import type {TapDecision} from './exchange-interceptor.js'
import {closestExchange, describeDifference, matchKeyOf, requestOfEntry, type FieldDifference} from './exchange-match.js'

/** A request the cassette holds no exchange for. */
export interface CassetteMiss {
  readonly kind: ExchangeKind
  readonly method: string
  readonly url: string
  /** The request body as it was sent. */
  readonly body: unknown
  /** The closest recorded exchange (see `closestExchange`) and the first field where it differs. */
  readonly closest?: {
    readonly index: number
    readonly file_order: number
    readonly url: string
    readonly body: unknown
    readonly difference: FieldDifference
  }
  /** One line: what was asked and why nothing matched. */
  readonly message: string
}

export interface ExchangePlayerOptions {
  /** Where the exchanges come from, for messages ("in DIR"). */
  readonly source: string
  /** `replay --rerun --update`: a request the cassette lacks goes to the network and is recorded. */
  readonly recordMisses?: boolean
  /** Kinds that always go to the network, never answered nor recorded (`--live-tools`: `tool`). */
  readonly live?: readonly ExchangeKind[]
}

/**
 * Answers requests from recorded exchanges by the one matching rule (`matchKeyOf`): each exchange
 * once, in recording order, streamed in the chunk sizes it arrived in. A request with no match is a
 * miss: answered 404 `{error: {type: "cassette_miss", message}}` (so a run ends with an error, as a
 * failing provider or service would) naming the closest recorded request and the field that
 * differs, and kept in `misses`. `exchanges` is what the run got, in order (the new cassette of an
 * `--update`); `unused()` the recorded exchanges nothing asked for.
 */
export class ExchangePlayer {
  readonly misses: CassetteMiss[] = []
  readonly exchanges: CassetteEntry[] = []
  private readonly used = new Set<number>()
  private readonly keys: string[]

  constructor(
    readonly entries: readonly CassetteEntry[],
    private readonly options: ExchangePlayerOptions,
  ) {
    this.keys = entries.map((e) => matchKeyOf(requestOfEntry(e)))
  }

  decide(request: OutgoingRequest): TapDecision {
    if (this.options.live?.includes(request.kind)) return {kind: 'pass'}
    const key = matchKeyOf(request)
    const index = this.keys.findIndex((k, i) => k === key && !this.used.has(i))
    if (index >= 0) {
      this.used.add(index)
      const entry = this.entries[index]!
      this.exchanges.push(entry)
      const response = new Response(chunkedStream(decodeBody(entry.response), entry.response.chunk_sizes), {
        status: entry.response.status,
        headers: entry.response.headers,
      })
      return {kind: 'answer', response}
    }
    if (this.options.recordMisses) return {kind: 'record', done: (entry) => this.exchanges.push(entry)}
    const miss = this.missOf(request)
    this.misses.push(miss)
    return {kind: 'answer', response: Response.json({error: {message: miss.message, type: 'cassette_miss'}}, {status: 404})}
  }

  /** Recorded exchanges no request used, in file order. */
  unused(): {file_order: number; url: string; label: string}[] {
    return this.entries.flatMap((e, i) => (this.used.has(i) ? [] : [{file_order: i + 1, url: e.request.url, label: exchangeLabel(e)}]))
  }

  private missOf(request: OutgoingRequest): CassetteMiss {
    const what = request.provider
      ? `this ${request.provider.provider} request for model ${JSON.stringify(request.provider.model)}`
      : `this ${request.kind} request`
    const target = `${request.method} ${safePath(request.url)}`
    const found = closestExchange(request, this.entries)
    const base = {kind: request.kind, method: request.method, url: request.url, body: request.body}
    if (!found) {
      return {
        ...base,
        message: `no recorded exchange in ${this.options.source} matches ${what} (${target}); it holds no ${request.kind} exchange`,
      }
    }
    const entry = this.entries[found.index]!
    const closest = {
      index: found.index,
      file_order: found.index + 1,
      url: entry.request.url,
      body: entry.request.body,
      difference: found.difference,
    }
    return {
      ...base,
      closest,
      message: `no recorded exchange in ${this.options.source} matches ${what} (${target}); closest recorded request: #${closest.file_order} (${describeDifference(found.difference)})`,
    }
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return url
  }
}
