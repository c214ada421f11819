import {existsSync} from 'node:fs'
import {join} from 'node:path'
import * as Flags from '@oclif/core/flags'
import WebSocket from 'ws'
import {SqliteConversationStore, StoreOpenError, type ConversationStore, type ConversationSummary, type StoredRun} from '../store/index.js'
import type {Turn} from '../core/index.js'
import {CommandError} from './command-error.js'

/** One row of `jiminy conversations list`. */
export interface ConversationRow {
  readonly conv_id: string
  readonly title: string
  readonly profile: string
  /** ISO time of the last activity. */
  readonly last_activity: string
  readonly last_seq: number
  readonly running: boolean
}

/** `jiminy conversations show ID`. */
export interface ConversationShown {
  readonly conv_id: string
  readonly title: string
  readonly profile: string
  readonly signature: string
  readonly created_at?: string
  readonly last_activity?: string
  readonly last_seq: number
  readonly runs: readonly StoredRun[]
  readonly rebuilds: readonly unknown[]
  readonly turn: Turn | null
}

/**
 * Where `jiminy conversations` reads: the store file itself, or (`--server URL`) a running
 * `jiminy serve` over its HTTP API and WebSocket. Both give the same results.
 */
export interface ConversationSource {
  /** `memory`, the file, or the server URL: for messages. */
  readonly location: string
  list(): Promise<ConversationRow[]>
  show(id: string): Promise<ConversationShown>
  remove(id: string): Promise<void>
  /** The conversation's frames as stored (their JSON text), in seq order. */
  frames(id: string): Promise<string[]>
  close(): Promise<void>
}

export const DEFAULT_STORE_FILE = 'conversations.db'

/** The flags every `jiminy conversations` command takes. */
export const conversationSourceFlags = {
  store: Flags.string({
    env: 'JIMINY_STORE',
    description: `the store file to read (default: ${DEFAULT_STORE_FILE} in the data dir, as serve uses)`,
  }),
  server: Flags.string({
    char: 's',
    env: 'JIMINY_SERVER',
    description: 'ask this running jiminy serve (its HTTP API) instead of reading the file; needed while serve holds the file',
  }),
  token: Flags.string({env: 'JIMINY_TOKEN', description: 'bearer token of the server (--token of serve)'}),
}

/** `--server` wins; else the `--store` file, else the data dir's `conversations.db`. */
export function openConversationSource(options: {
  server?: string | undefined
  token?: string | undefined
  store?: string | undefined
  dataDir: string
}): ConversationSource {
  if (options.server !== undefined) return new ServerSource(serverBase(options.server), options.token)
  if (options.store === 'memory')
    throw new CommandError('bad_flag', '--store memory holds nothing outside a running server; give a file, or --server URL', {
      field: 'store',
    })
  const explicit = options.store !== undefined
  const file = options.store ?? join(options.dataDir, DEFAULT_STORE_FILE)
  if (!existsSync(file)) {
    if (explicit) throw new CommandError('not_found', `no conversation store at ${file}`, {field: 'store'})
    return new EmptySource(file)
  }
  return new StoreSource(openFile(file))
}

function openFile(file: string): ConversationStore {
  try {
    return SqliteConversationStore.open(file, {createDirectory: false})
  } catch (error) {
    if (StoreOpenError.isInstance(error) && error.reason === 'locked') {
      // serve holds the file in SQLite's exclusive locking mode (docs/store.md): ask it instead.
      throw new CommandError(
        'bad_config',
        `${file} is in use by a running jiminy serve (it holds the file locked); ask that server instead: --server URL (or JIMINY_SERVER)`,
        {field: 'store', cause: error},
      )
    }
    throw error
  }
}

class EmptySource implements ConversationSource {
  constructor(readonly location: string) {}
  list = async (): Promise<ConversationRow[]> => []
  show(id: string): Promise<ConversationShown> {
    return Promise.reject(unknown(id, this.location))
  }
  remove(id: string): Promise<void> {
    return Promise.reject(unknown(id, this.location))
  }
  frames(id: string): Promise<string[]> {
    return Promise.reject(unknown(id, this.location))
  }
  close = async (): Promise<void> => {}
}

class StoreSource implements ConversationSource {
  readonly location: string
  constructor(private readonly store: ConversationStore) {
    this.location = store.location
  }

  async list(): Promise<ConversationRow[]> {
    return (await this.store.list()).map(rowOf)
  }

  async show(id: string): Promise<ConversationShown> {
    const record = await this.store.get(id)
    if (!record) throw unknown(id, this.location)
    const [turn, runs, rebuilds] = await Promise.all([this.store.loadSnapshot(id), this.store.runs(id), this.store.rebuilds(id)])
    return {
      conv_id: record.id,
      title: record.title,
      profile: record.profile,
      signature: record.signature,
      created_at: new Date(record.created_at).toISOString(),
      last_activity: new Date(record.updated_at).toISOString(),
      last_seq: record.last_seq,
      runs,
      rebuilds,
      turn: turn ?? null,
    }
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw unknown(id, this.location)
  }

  async frames(id: string): Promise<string[]> {
    if (!(await this.store.get(id))) throw unknown(id, this.location)
    return (await this.store.framesAfter(id, 0)).map((f) => f.json)
  }

  close(): Promise<void> {
    return this.store.close()
  }
}

function rowOf(s: ConversationSummary): ConversationRow {
  return {
    conv_id: s.id,
    title: s.title,
    profile: s.profile,
    last_activity: new Date(s.updated_at).toISOString(),
    last_seq: s.last_seq,
    running: false,
  }
}

const unknown = (id: string, where: string) =>
  new CommandError('not_found', `unknown conversation ${JSON.stringify(id)} in ${where}`, {field: 'id'})

function serverBase(server: string): URL {
  const base = server.endsWith('/') ? server : `${server}/`
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol))
    throw new CommandError('bad_flag', `--server ${JSON.stringify(server)} is not an http(s) URL`, {field: 'server'})
  return new URL(base)
}

const TIMEOUT_MS = 10_000

class ServerSource implements ConversationSource {
  readonly location: string
  constructor(
    private readonly base: URL,
    private readonly token: string | undefined,
  ) {
    this.location = base.href
  }

  async list(): Promise<ConversationRow[]> {
    const body = (await this.request('GET', 'api/conversations')) as {conversations?: Record<string, unknown>[]}
    return (body.conversations ?? []).map((c) => ({
      conv_id: String(c.conv_id),
      title: typeof c.title === 'string' ? c.title : '',
      profile: typeof c.profile === 'string' ? c.profile : '',
      last_activity: typeof c.last_activity === 'string' ? c.last_activity : '',
      last_seq: typeof c.last_seq === 'number' ? c.last_seq : 0,
      running: c.running === true,
    }))
  }

  async show(id: string): Promise<ConversationShown> {
    const c = (await this.request('GET', `api/conversations/${encodeURIComponent(id)}`, id)) as Record<string, unknown>
    const turn = (c.turn ?? c.snapshot ?? null) as Turn | null
    return {
      conv_id: id,
      title: typeof c.title === 'string' ? c.title : '',
      profile: typeof c.profile === 'string' ? c.profile : '',
      signature: typeof c.signature === 'string' ? c.signature : '',
      ...(typeof c.created_at === 'string' ? {created_at: c.created_at} : {}),
      ...(typeof c.last_activity === 'string' ? {last_activity: c.last_activity} : {}),
      last_seq: typeof c.last_seq === 'number' ? c.last_seq : 0,
      runs: Array.isArray(c.runs) ? (c.runs as StoredRun[]) : [],
      rebuilds: Array.isArray(c.rebuilds) ? c.rebuilds : [],
      turn: turn && typeof turn === 'object' && Array.isArray(turn.blocks) ? turn : null,
    }
  }

  async remove(id: string): Promise<void> {
    await this.request('DELETE', `api/conversations/${encodeURIComponent(id)}`, id)
  }

  /** Joins `/ws?conv_id=ID&after_seq=0` and collects the replay up to `ws.hello`'s `last_seq`. */
  async frames(id: string): Promise<string[]> {
    await this.request('GET', `api/conversations/${encodeURIComponent(id)}`, id)
    const url = new URL(`ws?conv_id=${encodeURIComponent(id)}&after_seq=0`, this.base)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    const ws = new WebSocket(url, this.token ? {headers: {authorization: `Bearer ${this.token}`}} : {})
    return new Promise<string[]>((resolve, reject) => {
      const frames: string[] = []
      let lastSeq: number | undefined
      let reached = 0
      const timer = setTimeout(
        () => done(new CommandError('server_error', `${url.pathname}: the replay did not reach seq ${lastSeq ?? '?'} in time`)),
        TIMEOUT_MS,
      )
      const done = (error?: Error) => {
        clearTimeout(timer)
        ws.removeAllListeners()
        ws.on('error', () => {})
        ws.close()
        if (error) reject(error)
        else resolve(frames)
      }
      ws.on('error', (error) => done(new CommandError('unreachable', `cannot reach ${url.origin}: ${error.message}`, {field: 'server'})))
      ws.on('message', (data: WebSocket.RawData) => {
        const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8')
        const event = (JSON.parse(text) as {event?: {type?: string; seq?: number; last_seq?: number}}).event
        if (event?.type === 'ws.hello') lastSeq = event.last_seq ?? 0
        else if (event?.type?.startsWith('ws.') === false && typeof event.seq === 'number') {
          frames.push(text)
          reached = event.seq
        }
        if (lastSeq !== undefined && reached >= lastSeq) done()
      })
    })
  }

  close = async (): Promise<void> => {}

  private async request(method: 'GET' | 'DELETE', path: string, convId?: string): Promise<unknown> {
    const url = new URL(path, this.base)
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: {accept: 'application/json', ...(this.token ? {authorization: `Bearer ${this.token}`} : {})},
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    } catch (error) {
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)
      throw new CommandError('unreachable', `cannot reach ${url.origin}: ${cause}`, {field: 'server'})
    }
    const text = await response.text()
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw new CommandError('server_error', `${url.pathname}: HTTP ${response.status}, not JSON`)
    }
    if (response.status === 404 && convId !== undefined) throw unknown(convId, this.location)
    if (!response.ok) {
      const message = body && typeof body === 'object' && 'error' in body ? String(body.error) : `HTTP ${response.status}`
      const code =
        response.status === 401 || response.status === 403 ? 'unauthorized' : response.status === 404 ? 'not_found' : 'server_error'
      throw new CommandError(code, `${url.pathname}: HTTP ${response.status}: ${message}`, code === 'unauthorized' ? {field: 'token'} : {})
    }
    return body
  }
}
