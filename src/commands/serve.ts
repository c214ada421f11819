import {join} from 'node:path'
import * as Flags from '@oclif/core/flags'
import {useColour} from '../cli/colour.js'
import {CommandError} from '../cli/command-error.js'
import {configFlag} from '../cli/common-flags.js'
import {JiminyCommand} from '../cli/jiminy-command.js'
import {openBrowser} from '../cli/open-browser.js'
import {loadConfig, watchServerConfig} from '../engine/index.js'
import {
  createServeLogger,
  DEFAULT_HOST,
  DEFAULT_PORT,
  LOG_LEVELS,
  startServer,
  type LogLevel,
  type RunningServer,
} from '../webchat/index.js'

/** The first line of `jiminy serve --json` (one JSON line; logs follow on stderr). */
export interface ServeInfo {
  readonly url: string
  readonly bus: string
  readonly store: string
  readonly profiles: string[]
}

export default class Serve extends JiminyCommand {
  static override summary = 'Serve the dev web chat: HTTP API, WebSocket streaming and the chat page.'
  static override description = `Binds ${DEFAULT_HOST} by default. The first line printed is the URL it listens on (with --json, one JSON line
{url, bus, store, profiles}). Logs go to stderr after it: pretty on a terminal, JSON lines otherwise.
Profiles come from ./jiminy.yaml (or --config); without one, the offline mock profiles "default" and "step" are served.
With --token, the API and WebSocket need "Authorization: Bearer <token>" (or open <url>?token=<token> once in the browser).
Ctrl-C (or SIGTERM) cancels runs, closes sockets and exits 0.`
  static override examples = [
    '<%= config.bin %> serve',
    '<%= config.bin %> serve --port 0 --open',
    '<%= config.bin %> serve --port 0 --json | head -1 | jq -r .url',
    '<%= config.bin %> serve --config ./jiminy.yaml --token s3cret',
  ]

  static override flags = {
    port: Flags.integer({
      char: 'p',
      min: 0,
      max: 65_535,
      default: DEFAULT_PORT,
      env: 'JIMINY_PORT',
      description: 'port to listen on (0 picks a free one)',
    }),
    host: Flags.string({default: DEFAULT_HOST, description: 'address to bind'}),
    config: configFlag,
    token: Flags.string({env: 'JIMINY_TOKEN', description: 'require this bearer token on the API and WebSocket'}),
    'allow-origin': Flags.string({
      multiple: true,
      description:
        'also accept browser requests from this origin (scheme://host[:port]; repeatable): a front end served elsewhere, or a proxy that rewrites Host; added to allow_origins in the config',
    }),
    'allow-host': Flags.string({
      multiple: true,
      description:
        'also serve requests whose Host is this name (repeatable; `all` for any): by default only IP addresses and localhost are, against DNS rebinding',
    }),
    open: Flags.boolean({description: 'open the chat page in a browser (only on a terminal, never in CI)'}),
    record: Flags.string({description: 'record every conversation as a replayable fixture in this folder ({conv_id}.jsonl)'}),
    watch: Flags.boolean({
      char: 'w',
      description: 'reload the config file and local plugins on change; affected conversations rebuild before their next run',
    }),
    'log-level': Flags.string({
      options: [...LOG_LEVELS],
      default: 'info',
      env: 'JIMINY_LOG_LEVEL',
      description: 'log level (on stderr: pretty on a terminal, else JSON lines)',
    }),
    bus: Flags.string({
      options: ['memory', 'redis'],
      description:
        'event bus: memory (one process) or redis (several instances share Redis Streams); default: bus.type in the config, else memory',
    }),
    store: Flags.string({
      env: 'JIMINY_STORE',
      description:
        'where conversations outlive the process: a SQLite file, or memory (default: store: in the config, else conversations.db in the data dir)',
    }),
    'max-connections': Flags.integer({
      min: 1,
      description: 'open connections at most; past it requests get 503 too_many_connections (default: 8192, or less below the fd limit)',
    }),
    'max-connections-per-address': Flags.integer({min: 1, description: 'open connections at most from one remote address (default 2048)'}),
    'redis-url': Flags.string({
      env: 'JIMINY_REDIS_URL',
      description: 'Redis URL for --bus redis (default: bus.redis_url in the config, else redis://127.0.0.1:6379)',
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Serve)
    const log = createServeLogger(flags['log-level'] as LogLevel, {
      pretty: process.stderr.isTTY,
      colorize: useColour(process.stderr),
    })
    let server: RunningServer
    try {
      server = await startServer({
        port: flags.port,
        host: flags.host,
        logger: log.logger,
        ...(flags.config !== undefined ? {configPath: flags.config} : {}),
        ...(flags.token !== undefined ? {token: flags.token} : {}),
        ...(flags['allow-origin'] !== undefined ? {allowOrigins: flags['allow-origin']} : {}),
        ...(flags['allow-host'] !== undefined ? {allowHosts: flags['allow-host']} : {}),
        ...(flags.record !== undefined ? {record: {dir: flags.record}} : {}),
        ...storeOption(flags.store, flags.config, this.config.dataDir),
        limits: {
          ...(flags['max-connections'] !== undefined ? {maxConnections: flags['max-connections']} : {}),
          ...(flags['max-connections-per-address'] !== undefined ? {maxConnectionsPerAddress: flags['max-connections-per-address']} : {}),
        },
        busFlags: {
          ...(flags.bus !== undefined ? {type: flags.bus as 'memory' | 'redis'} : {}),
          ...(flags['redis-url'] !== undefined ? {redisUrl: flags['redis-url']} : {}),
        },
      })
    } catch (error) {
      log.release()
      if ((error as {code?: unknown}).code === 'EADDRINUSE') {
        throw new CommandError(
          'port_in_use',
          `port ${flags.port} on ${flags.host} is already in use; pick another with --port (0 = any free port)`,
          {field: 'port', cause: error},
        )
      }
      throw error
    }
    // Handlers first: a script may send SIGTERM as soon as it reads the URL.
    let watcher: {close(): Promise<void>} | undefined
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        void Promise.all([watcher?.close(), server.close()]).finally(resolve)
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    const info = serveInfo(server)
    process.stdout.write(this.jsonEnabled() ? `${JSON.stringify(info)}\n` : `${info.url}\n`)
    log.release()
    if (flags.watch)
      watcher = watchServerConfig({manager: server.manager, notices: server.manager, logger: server.logger, dataDir: this.config.dataDir})
    if (flags.open) openBrowser(flags.token !== undefined ? `${server.url}?token=${encodeURIComponent(flags.token)}` : server.url)
    await stopped
    process.exit(0)
  }
}

/**
 * `--store` is explicit (a bad file is an error); without it the config's `store:` applies, else
 * SQLite in the data dir, which falls back to memory with a warning when it cannot be opened.
 */
function storeOption(flag: string | undefined, configPath: string | undefined, dataDir: string): {store?: string; storeExplicit?: boolean} {
  if (flag !== undefined) return {store: flag, storeExplicit: true}
  if (loadConfig(configPath !== undefined ? {path: configPath} : {}).config.store !== undefined) return {}
  return {store: join(dataDir, 'conversations.db'), storeExplicit: false}
}

function serveInfo(server: RunningServer): ServeInfo {
  return {
    url: server.url,
    bus: server.bus.kind,
    store: server.store.location,
    profiles: Object.keys(server.manager.builder.config.profiles).sort(),
  }
}
