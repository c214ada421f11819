import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {dirname, resolve} from 'node:path'
import type {AddressInfo, Socket} from 'node:net'
import type {Duplex} from 'node:stream'
import type {Bus, RunOwnership} from '../bus/index.js'
import {openConversationStore, type ConversationStore} from '../store/index.js'
import {registerSecret} from '../core/index.js'
import {ConversationRecording} from '../fixtures/conversation-recording.js'
import type {PluginCatalog} from '../plugins/index.js'
import {builtinCatalog} from '../plugins/index.js'
import {openBusTransport, selectBus, type BusFlags} from './bus-selection.js'
import {ConversationManager, type ConversationManagerEvents, type ConversationManagerOptions} from './conversation-manager.js'
import {EngineBuilder, loadEngineBuilder, type ConfigFile, type EngineFactory, type PluginFailure} from '../engine/index.js'
import {buildRoutes} from './http/routes.js'
import {clientErrorAnswer} from './http/client-error.js'
import {ConnectionCap} from './http/connection-cap.js'
import {cookieHeader, TOKEN_COOKIE} from './http/cookies.js'
import {HttpError} from './http/http-error.js'
import {answerOnSocket} from './http/raw-answer.js'
import {allowedHostSet, allowedOriginSet, tokenMatches} from './http/request-guard.js'
import {RequestGuard} from './http/request-guard-policy.js'
import {respondWithError} from './http/router.js'
import {defaultWebRoot, serveStatic} from './http/static-files.js'
import {IdempotencyCache} from './idempotency-cache.js'
import {DEFAULT_LIMITS, limitsOfConfig, type ServerLimits} from './server-limits.js'
import {packageVersion} from './package-info.js'
import {createLogger, LOG_LEVELS, type Logger, type LogLevel} from './logger.js'
import type {ServerContext} from './server-context.js'
import type {SnapshotStore} from './snapshot-store.js'
import {sharedSubscriberFactory, type SubscriberFactory} from './subscriber-factory.js'
import {CLOSE_GOING_AWAY, WsGateway} from './ws/ws-gateway.js'
import {SessionStreamTransport} from './sessionstream/index.js'

export const DEFAULT_PORT = 8787
export const DEFAULT_HOST = '127.0.0.1'

/** Everything `startServer` accepts. Other features add fields here; all are optional. */
export interface ServerOptions {
  /** 0 picks a free port. Default 8787. */
  readonly port?: number
  /** Default 127.0.0.1. */
  readonly host?: string
  /** Config file (`--config`); default `jiminy.yaml` in cwd when present, else built-ins. */
  readonly configPath?: string
  readonly cwd?: string
  /** An already-loaded config (tests), instead of reading a file. */
  readonly config?: ConfigFile
  /** A ready builder (plugin loader, watchers); wins over config/configPath. */
  readonly builder?: EngineBuilder
  /** Plugins for `config` (default: built-ins only). A config file loads its own plugins. */
  readonly catalog?: PluginCatalog
  readonly engineFactory?: EngineFactory
  readonly env?: NodeJS.ProcessEnv
  /** The bus (Redis…); default a new in-memory bus, closed with the server. An injected bus is not closed. */
  readonly bus?: Bus
  readonly subscriberFactory?: SubscriberFactory
  /** Per-conversation BusSink options, e.g. `{firstSeq}` when the sink is the single writer. */
  readonly sinkOptions?: ConversationManagerOptions['sinkOptions']
  /** Bus from `serve --bus/--redis-url`, else the config file's `bus:`, else memory. Ignored when `bus` is given. */
  readonly busFlags?: BusFlags
  /** Run ownership across instances for an injected bus (Redis mode opens its own). */
  readonly runOwnership?: RunOwnership
  /** Conversation snapshots shared across instances for an injected bus (Redis mode opens its own). */
  readonly snapshots?: SnapshotStore
  /**
   * Where conversations outlive the process: an opened store (not closed by the server), `memory`,
   * or a SQLite file path. Default: the config file's `store:`, else memory (`serve` passes the data
   * dir's conversations.db).
   */
  readonly store?: ConversationStore | string
  /** True when the user named the store path: a bad file is then an error, not a fallback to memory. */
  readonly storeExplicit?: boolean
  /** Require this bearer token on the API and WebSocket. */
  readonly token?: string
  /** Browser origins allowed besides the server's own (`--allow-origin`), added to the config's `allow_origins`. */
  readonly allowOrigins?: readonly string[]
  /** Host names served besides IP literals and localhost (`--allow-host`; `all` allows any): the DNS-rebinding defence. */
  readonly allowHosts?: readonly string[]
  readonly logLevel?: LogLevel
  readonly logger?: Logger
  readonly webRoot?: string
  readonly limits?: Partial<ServerLimits>
  /** Hooks into the conversation lifecycle (recorders, metrics). */
  readonly events?: ConversationManagerEvents
  /** Step pause deadline. */
  readonly stepTimeoutMs?: number
  /**
   * Fixtures (`serve --record DIR`): `dir` records every conversation as it streams to `DIR/{conv_id}.jsonl`;
   * `saveDir` is where `POST /api/conversations/{id}/fixture` saves (default: dir, else ./jiminy-fixtures).
   */
  readonly record?: {readonly dir?: string; readonly saveDir?: string; readonly tapeLimit?: number}
}

export interface RunningServer {
  /** `http://host:port/` */
  readonly url: string
  readonly port: number
  readonly host: string
  readonly manager: ConversationManager
  readonly bus: Bus
  readonly logger: Logger
  /** The fixture recorder (every conversation's consumed bus messages). */
  readonly recording: ConversationRecording
  /** Where conversations are kept (`memory` or the SQLite file). */
  readonly store: ConversationStore
  /** Cancels runs, closes sockets with a close frame (1001), stops listening. Idempotent. */
  close(): Promise<void>
}

/** Starts the dev chat server: HTTP routes, the WebSocket gateway and the web page. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  registerSecret(options.token)
  const logger = options.logger ?? createLogger(options.logLevel ?? logLevelFrom(options.env ?? process.env))
  const builder = options.builder ?? (await newBuilder(options, logger))
  const limits: ServerLimits = {...DEFAULT_LIMITS, ...limitsOfConfig(builder.config.limits), ...options.limits}
  // Before anything opens: a bad --allow-origin is bad input (InvalidOriginError), nothing to close.
  const allowedOrigins = allowedOriginSet([...(builder.config.allow_origins ?? []), ...(options.allowOrigins ?? [])])
  const allowedHosts = allowedHostSet([...(builder.config.allow_hosts ?? []), ...(options.allowHosts ?? [])])
  const ownsBus = options.bus === undefined
  // Redis down at start: openBusTransport throws one RedisUnavailableError naming the URL.
  const transport = options.bus
    ? {bus: options.bus, close: async () => {}}
    : await openBusTransport(selectBus(options.busFlags, builder.config.bus, options.env), logger)
  const bus = transport.bus
  const runOwnership = options.runOwnership ?? ('runOwnership' in transport ? transport.runOwnership : undefined)
  const snapshots = options.snapshots ?? ('snapshots' in transport ? transport.snapshots : undefined)
  const ownsStore = typeof options.store !== 'object'
  const store = openStore(options, builder, logger, 'conversationStore' in transport ? transport.conversationStore : undefined)
  let port = 0
  const recording = new ConversationRecording({
    ...(options.record?.dir !== undefined ? {recordDir: options.record.dir} : {}),
    ...(options.record?.saveDir !== undefined ? {saveDir: options.record.saveDir} : {}),
    ...(options.record?.tapeLimit !== undefined ? {tapeLimit: options.record.tapeLimit} : {}),
    onError: (error, path) => logger.error({err: error, path}, 'fixture recording failed; the stream goes on'),
  })
  // HTTP exchanges of runs are recorded from the first request on.
  await recording.ready
  const sessionStream: SessionStreamTransport = new SessionStreamTransport({
    store,
    logger,
    manager: (): ConversationManager => manager,
    maxBufferedBytes: limits.maxBufferedBytes,
  })
  const manager = new ConversationManager({
    builder,
    publisher: bus,
    subscriberFactory:
      options.subscriberFactory ??
      ('subscriberFactory' in transport ? transport.subscriberFactory : undefined) ??
      sharedSubscriberFactory(bus),
    idleTimeoutMs: limits.idleTimeoutMs,
    maxBufferedBytes: limits.maxBufferedBytes,
    frameLogCapacity: limits.frameLogCapacity,
    frameLogMaxBytes: limits.frameLogMaxBytes,
    events: withLogging(logger, withRecording(recording, sessionStream.hooks(options.events))),
    hooks: (convId) => recording.hooks(convId),
    ...(runOwnership ? {ownership: runOwnership} : {}),
    ...(snapshots ? {snapshots} : {}),
    store,
    maxConversations: limits.maxConversations,
  })
  const guard = new RequestGuard({allowedHosts, allowedOrigins, token: options.token, port: () => port}, logger)
  const busReady = ('ready' in transport ? transport.ready : undefined) ?? (() => true)
  const sharedStore = 'conversationStore' in transport ? transport.conversationStore : undefined
  const storeKind = store.location === 'memory' ? 'memory' : store === sharedStore ? 'redis' : 'sqlite'
  // A server whose tool list changed (a notification, a restart) rebuilds the conversations that use
  // it before their next run, explained like a plugin change. The pool outlives config reloads.
  const stopToolWatch = builder.mcp.onToolsChanged((name) => manager.setBuilder(manager.builder, {source: 'plugin', plugin: `mcp:${name}`}))
  const app: ServerContext = {
    manager,
    logger,
    bodyLimitBytes: limits.bodyBytes,
    idempotency: new IdempotencyCache(),
    token: options.token,
    webRoot: options.webRoot ?? defaultWebRoot(),
    recording,
    ...('streamHistory' in transport && transport.streamHistory ? {streamHistory: transport.streamHistory} : {}),
    port: () => port,
    guard,
    health: () => {
      const ready = busReady()
      return {ok: ready, version: packageVersion(), bus: {kind: bus.kind, ready}, store: {kind: storeKind}}
    },
  }
  const router = sessionStream.routes(buildRoutes())
  const gateway = new WsGateway(app, {
    maxPayload: limits.wsMaxPayloadBytes,
    heartbeatMs: limits.heartbeatMs,
    endpoints: new Map([sessionStream.endpoint()]),
  })
  const cap = new ConnectionCap(limits)

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for requests past those timeouts (default 30 s, which would let slow clients linger).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 4)),
    },
    (req, res) => {
      const refusal = cap.refusal(req.socket)
      if (refusal) return respondWithError(res, refusal, logger)
      handleRequest(req, res).catch((error: unknown) => respondWithError(res, error, logger))
    },
  )
  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const refused = guard.check(req, url, 'request')
    if (refused) throw refused
    if (await router.handle(req, res, url, app)) return
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError('not_found', `no route ${req.method} ${url.pathname}`)
    // `/?token=T` stores the token in an HttpOnly cookie so the page (and its WebSocket) are authenticated.
    const queryToken = url.searchParams.get('token')
    if (app.token !== undefined && queryToken !== null && tokenMatches(app.token, [queryToken])) {
      res.writeHead(303, {
        // One leading slash: `//host/…` would be a redirect to another site.
        location: `/${url.pathname.replace(/^\/+/, '')}`,
        'set-cookie': cookieHeader(TOKEN_COOKIE, queryToken, {httpOnly: true, sameSite: 'Strict'}),
      })
      return void res.end()
    }
    serveStatic(app.webRoot, url.pathname, res, req.method === 'HEAD')
  }
  server.on('connection', (socket: Socket) => cap.admit(socket))
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = cap.refusal(req.socket)
    if (refusal) return answerOnSocket(socket, refusal)
    gateway.handleUpgrade(req, socket, head)
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that broke the protocol or took too long gets an answer that says so, not a reset connection.
    const answer = clientErrorAnswer(error)
    if (answer) answerOnSocket(socket, answer)
    else socket.destroy()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? DEFAULT_PORT, options.host ?? DEFAULT_HOST, () => {
      server.off('error', reject)
      resolve()
    })
  }).catch(async (error: unknown) => {
    if (ownsBus) await transport.close()
    if (ownsStore) await store.close()
    throw error
  })
  const address = server.address() as AddressInfo
  port = address.port
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${port}/`
  logger.info({url, bus: bus.kind, store: store.location, auth: options.token !== undefined}, 'listening')
  if (options.token === undefined && !isLoopback(address.address))
    logger.warn(
      {host: address.address},
      `listening on ${address.address} without --token: anyone who can reach this machine can read and start conversations; pass --token or bind 127.0.0.1`,
    )

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down')
      server.close()
      for (const {convId, pending} of await manager.cancelAll())
        logger.warn({conv_id: convId, pending}, 'shutting down with events the bus has not taken (bus unavailable): they are lost')
      await manager.closeAll(CLOSE_GOING_AWAY, 'server shutting down')
      await gateway.close()
      await recording.close()
      stopToolWatch()
      await manager.builder.close()
      if (ownsStore) await store.close()
      server.closeAllConnections()
      if (ownsBus) await transport.close()
    })())
  return {url, port, host, manager, bus, logger, recording, store, close}
}

/** A given config (tests) gets the built-in plugins; otherwise the one loader reads the file and its plugins. */
async function newBuilder(options: ServerOptions, logger: Logger): Promise<EngineBuilder> {
  const common = {
    // Once per failing subscriber per conversation; the `log` frame of the run is the builder's.
    onPluginFailure: (failure: PluginFailure) =>
      logger.warn(
        {conv_id: failure.convId, subscriber: failure.name, file: failure.file, inference_id: failure.inferenceId},
        failure.message,
      ),
    ...(options.env ? {env: options.env} : {}),
    ...(options.engineFactory ? {engineFactory: options.engineFactory} : {}),
    ...(options.stepTimeoutMs !== undefined ? {stepTimeoutMs: options.stepTimeoutMs} : {}),
  }
  if (options.config) return new EngineBuilder({config: options.config, catalog: options.catalog ?? builtinCatalog(), ...common})
  return loadEngineBuilder({
    ...(options.configPath !== undefined ? {configPath: options.configPath} : {}),
    ...(options.cwd !== undefined ? {cwd: options.cwd} : {}),
    ...common,
  })
}

/** An evicted conversation's recording lets go of what it held in memory (the recorder's hooks are on the wiring). */
function withRecording(recording: ConversationRecording, hooks: ConversationManagerEvents = {}): ConversationManagerEvents {
  return {
    ...hooks,
    evicted: (id) => {
      recording.forget(id)
      hooks.evicted?.(id)
    },
  }
}

function withLogging(logger: Logger, hooks: ConversationManagerEvents = {}): ConversationManagerEvents {
  return {
    created: (c) => {
      logger.debug({conv_id: c.id, profile: c.profile, signature: c.engine.signature.hash}, 'conversation created')
      hooks.created?.(c)
    },
    rebuilt: (c, record) => {
      logger.info({conv_id: c.id, reason: record.reason, from: record.from, to: record.to, diff: record.diff}, 'conversation rebuilt')
      hooks.rebuilt?.(c, record)
    },
    evicted: (id) => {
      logger.debug({conv_id: id}, 'idle conversation evicted')
      hooks.evicted?.(id)
    },
    dropped: (id, reason) => {
      logger.warn({conv_id: id, reason}, 'dropped a slow or broken WebSocket')
      hooks.dropped?.(id, reason)
    },
    problem: (id, problem) => {
      logger.warn({conv_id: id, problem}, 'stream problem')
      hooks.problem?.(id, problem)
    },
    busError: (id, error) => {
      logger.error({conv_id: id, err: error}, 'bus publish failed')
      hooks.busError?.(id, error)
    },
    runStarted: (c, handle) => {
      logger.info({conv_id: c.id, inference_id: handle.inferenceId, profile: c.profile}, 'run started')
      hooks.runStarted?.(c, handle)
    },
    runEnded: (c, outcome) => {
      logger.info({conv_id: c.id, inference_id: outcome.inferenceId, status: outcome.status, error: outcome.error}, 'run ended')
      hooks.runEnded?.(c, outcome)
    },
    storeError: (id, error, what) => {
      logger.error({conv_id: id, err: error}, `${what} failed; the request goes on`)
      hooks.storeError?.(id, error, what)
    },
  }
}

/** `JIMINY_LOG_LEVEL` (the test suite sets it to silent), else info. */
function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  const level = env.JIMINY_LOG_LEVEL
  return (LOG_LEVELS as readonly (string | undefined)[]).includes(level) ? (level as LogLevel) : 'info'
}

/** The store the options name (`--store`, then the config file's `store:`), opened; memory by default. */
function openStore(options: ServerOptions, builder: EngineBuilder, logger: Logger, shared?: ConversationStore): ConversationStore {
  if (typeof options.store === 'object') return options.store
  const fromConfig = builder.config.store
  // Redis mode: the instances share Redis (the stream is the log); a store named by the user still wins.
  if (shared && fromConfig === undefined && (options.store === undefined || options.storeExplicit === false)) return shared
  const configured = typeof fromConfig === 'string' ? {path: fromConfig} : fromConfig
  const spec = options.store ?? configured?.path ?? 'memory'
  // A path in the config file is relative to that file.
  const path = options.store === undefined && spec !== 'memory' && builder.configPath ? resolve(dirname(builder.configPath), spec) : spec
  return openConversationStore(path, {
    explicit: options.storeExplicit ?? true,
    ...(configured?.max_frames !== undefined ? {maxFrames: configured.max_frames} : {}),
    onWarning: (warning) => logger.warn(warning, warning.message),
  })
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address === '::ffff:127.0.0.1'
}
