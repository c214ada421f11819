import {currentRunContext} from '../../core/index.js'
import type {CassetteEntry} from './cassette-format.js'
import {captureExchange, outgoingOf, type OutgoingRequest} from './exchange-capture.js'

/** What a tap does with a request it owns. */
export type TapDecision =
  /** Answered from a recording: no network. */
  | {readonly kind: 'answer'; readonly response: Response}
  /** Sent to the network untouched. */
  | {readonly kind: 'pass'}
  /** Sent to the network; the exchange is handed to `done` when its body ends. */
  | {readonly kind: 'record'; readonly done: (entry: CassetteEntry) => void}

/** One user of the interceptor: a recorder or a player, owning the requests of some conversations. */
export interface ExchangeTap {
  /** True for the requests this tap handles: made inside a run of conversation `convId` (undefined: outside any run). */
  owns(convId: string | undefined): boolean
  /** `convId`: the conversation of the run making the request (undefined outside any run). */
  decide(request: OutgoingRequest, convId: string | undefined): TapDecision
  /** A player (answers from a recording): it takes a request before any recorder that owns it too. */
  readonly plays?: boolean
}

/**
 * The one interception of outgoing HTTP in the process, on msw: a single msw server (msw's
 * interceptors patch `fetch` process-wide, and two msw servers intercept each other's requests)
 * shared by every tap, listening while at least one tap is installed. A request goes to the newest
 * tap that owns it (by the conversation of the run making it, from the run context), else straight
 * to the network. Only `fetch` is intercepted (what every engine and most SDKs use); node:http
 * clients (and WebSocket upgrades of test clients) are left alone.
 */
class ExchangeInterceptor {
  private readonly taps: ExchangeTap[] = []
  private server: {listen(options: {onUnhandledRequest: 'bypass'}): void; close(): void} | undefined
  private starting: Promise<void> | undefined
  /** Bodies still streaming to a recorder, so `flush` can save them as far as they got. */
  private readonly open = new Map<ExchangeTap, Set<() => void>>()

  /**
   * Adds a tap; returns its remover. Requests are seen once `ready()` resolves (msw is loaded on
   * first use): a recorder awaits it before the first run it follows.
   */
  install(tap: ExchangeTap): () => void {
    this.taps.push(tap)
    this.starting ??= this.start()
    return () => this.remove(tap)
  }

  /** Resolves once the interception is live (rejects when msw cannot be loaded). */
  async ready(): Promise<void> {
    await this.starting
  }

  /** Saves, as far as they got, the bodies still streaming to `tap` (a recorder stopping). */
  finishOpen(tap: ExchangeTap): void {
    for (const finish of [...(this.open.get(tap) ?? [])]) finish()
    this.open.delete(tap)
  }

  private remove(tap: ExchangeTap): void {
    const i = this.taps.indexOf(tap)
    if (i >= 0) this.taps.splice(i, 1)
    if (this.taps.length > 0 || !this.starting) return
    const starting = this.starting
    // msw stops once no tap is left (after it finished starting); a tap installed meanwhile keeps it.
    void starting.then(
      () => {
        if (this.taps.length > 0 || this.starting !== starting) return
        this.server?.close()
        this.server = undefined
        this.starting = undefined
      },
      () => {
        if (this.starting === starting) this.starting = undefined
      },
    )
  }

  private async start(): Promise<void> {
    const [{SetupServerApi}, {http, bypass}, {FetchInterceptor}] = await Promise.all([
      import('msw/node'),
      import('msw'),
      import('@mswjs/interceptors/fetch'),
    ])
    const server = new SetupServerApi(
      [
        http.all('*', async ({request}) => {
          const convId = currentRunContext()?.sessionId
          // A player first (`--mock-provider` beside a server that records every conversation), else the newest owner.
          const tap = this.taps.findLast((t) => t.plays === true && t.owns(convId)) ?? this.taps.findLast((t) => t.owns(convId))
          if (!tap) return undefined
          const outgoing = await outgoingOf(request)
          const decision = tap.decide(outgoing, convId)
          switch (decision.kind) {
            case 'answer':
              return decision.response
            case 'pass':
              return undefined
            case 'record': {
              const upstream = await fetch(bypass(request), {signal: request.signal})
              let open = this.open.get(tap)
              if (!open) this.open.set(tap, (open = new Set()))
              const finishers = open
              // `done` may run within captureExchange (a response without a body): `captured` is unset then.
              let captured: ReturnType<typeof captureExchange> | undefined = undefined
              let ended = false
              captured = captureExchange(outgoing, upstream, (entry) => {
                ended = true
                if (captured) finishers.delete(captured.finish)
                decision.done(entry)
              })
              if (!ended) finishers.add(captured.finish)
              return captured.response
            }
            default: {
              const _exhaustive: never = decision
              return _exhaustive
            }
          }
        }),
      ],
      [new FetchInterceptor()],
    )
    server.listen({onUnhandledRequest: 'bypass'})
    this.server = server
  }
}

export const exchangeInterceptor = new ExchangeInterceptor()
