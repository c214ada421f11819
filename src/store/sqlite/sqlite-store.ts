import {mkdirSync} from 'node:fs'
import {dirname} from 'node:path'
import type Database from 'better-sqlite3'
import {canonicalJson, type Turn} from '../../core/index.js'
import type {ConversationStore} from '../conversation-store.js'
import {partialTextOf} from '../partial-text.js'
import {
  DEFAULT_MAX_FRAMES,
  type ConversationInput,
  type ConversationRecord,
  type ConversationSummary,
  type RebuildEntry,
  type RunEnd,
  type StoredRun,
  type StoredFrame,
  type StoreOptions,
  type StoreStats,
} from '../types.js'
import {FrameWriter, type GroupCommitOptions} from './frame-writer.js'
import {openDatabase, type OpenDatabaseOptions} from './open-database.js'
import {conversationOf, frameOf, rebuildOf, runOf, runRowOf, summaryOf, textOf, turnOf} from './rows.js'
import {prepareStatements, type Statements} from './statements.js'

export interface SqliteStoreOptions extends StoreOptions, OpenDatabaseOptions, GroupCommitOptions {
  /** Create the file's directory when missing (the default data dir may not exist yet). */
  readonly createDirectory?: boolean | undefined
  /**
   * Caps the file at about this many bytes (SQLite `max_page_count`); writes beyond it fail as a
   * full disk would, which the frame writer survives. Unset: no cap.
   */
  readonly maxBytes?: number | undefined
}

type InterruptedRun = StoredRun & {conv_id: string}

/**
 * The default store: one SQLite file (better-sqlite3, WAL, synchronous=NORMAL) owned by this
 * process. Frames go through the FrameWriter's group commit; everything else is written at once
 * (one small statement, rare). Reads first commit pending frames so they see every append.
 */
export class SqliteConversationStore implements ConversationStore {
  readonly kind = 'sqlite'
  private readonly s: Statements
  private readonly writer: FrameWriter
  private closed = false
  /** The runs `open` found still running (the previous process died) and marked interrupted. */
  readonly recovered: readonly InterruptedRun[]

  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
    options: SqliteStoreOptions,
  ) {
    this.s = prepareStatements(db)
    const maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES
    this.writer = new FrameWriter(db, this.s, location, maxFrames, options.onWarning ?? (() => undefined), options)
    this.recovered = this.markInterrupted()
  }

  /** Opens or creates the file; throws StoreOpenError (naming the file and the reason) when it cannot. */
  static open(file: string, options: SqliteStoreOptions = {}): SqliteConversationStore {
    if (options.createDirectory) mkdirSync(dirname(file), {recursive: true})
    const db = openDatabase(file, options)
    if (options.maxBytes !== undefined) {
      const pageSize = db.pragma('page_size', {simple: true}) as number
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`)
    }
    return new SqliteConversationStore(db, file, options)
  }

  async list(): Promise<ConversationSummary[]> {
    this.ready()
    return this.s.list.all().map(summaryOf)
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    this.ready()
    const row = this.s.get.get(id)
    return row === undefined ? undefined : conversationOf(row)
  }

  async upsertConversation(input: ConversationInput): Promise<ConversationRecord> {
    this.ready()
    this.s.upsert.run({
      id: input.id,
      title: input.title ?? '',
      profile: input.profile,
      signature: input.signature,
      config_json: canonicalJson(input.config),
      now: input.now ?? Date.now(),
    })
    return conversationOf(this.s.get.get(input.id))
  }

  async rename(id: string, title: string): Promise<boolean> {
    this.ready()
    return this.s.rename.run(title, Date.now(), id).changes > 0
  }

  async delete(id: string): Promise<boolean> {
    this.ready()
    this.writer.forget(id)
    let deleted = false
    this.db.transaction(() => {
      this.s.deleteFrames.run(id)
      this.s.deleteSnapshot.run(id)
      this.s.deleteRebuilds.run(id)
      this.s.deleteRuns.run(id)
      deleted = this.s.deleteConversation.run(id).changes > 0
    })()
    return deleted
  }

  appendFrames(convId: string, frames: readonly StoredFrame[]): void {
    if (this.closed || frames.length === 0) return
    this.writer.append(convId, frames)
  }

  async framesAfter(convId: string, afterSeq: number, limit?: number): Promise<StoredFrame[]> {
    this.ready()
    if (limit === undefined || !Number.isFinite(limit)) limit = -1
    else if (limit < 1) return []
    else limit = Math.floor(limit)
    // LIMIT -1 is SQLite's "no limit".
    const frames = this.s.framesAfter.all(convId, afterSeq, limit).map(frameOf)
    if (this.writer.pendingCount > 0 && (limit < 0 || frames.length < limit)) {
      // Storage is failing and a retry waits: what it holds is still part of the log.
      const from = frames.length > 0 ? frames[frames.length - 1]!.seq : afterSeq
      const held = this.writer.pendingFor(convId, from)
      frames.push(...(limit < 0 ? held : held.slice(0, limit - frames.length)))
    }
    return frames
  }

  async lastSeq(convId: string): Promise<number> {
    this.ready()
    const row = this.s.lastSeq.get(convId)
    const stored = row === undefined ? 0 : Number((row as {value: unknown}).value)
    const held = this.writer.pendingFor(convId, stored)
    return held.length > 0 ? held[held.length - 1]!.seq : stored
  }

  async saveSnapshot(convId: string, turn: Turn): Promise<void> {
    this.ready()
    const now = Date.now()
    this.db.transaction(() => {
      this.s.ensure.run(convId, now, now)
      this.s.saveSnapshot.run(convId, JSON.stringify(turn), now)
      this.s.touch.run(now, convId)
    })()
  }

  async loadSnapshot(convId: string): Promise<Turn | undefined> {
    this.ready()
    const row = this.s.loadSnapshot.get(convId)
    return row === undefined ? undefined : turnOf(textOf(row))
  }

  async saveTimeline(convId: string, json: string): Promise<void> {
    this.ready()
    const now = Date.now()
    this.db.transaction(() => {
      this.s.ensure.run(convId, now, now)
      this.s.saveTimeline.run(json, convId)
    })()
  }

  async loadTimeline(convId: string): Promise<string | undefined> {
    this.ready()
    const row = this.s.loadTimeline.get(convId)
    return row === undefined ? undefined : textOf(row)
  }

  async recordRebuild(convId: string, record: RebuildEntry): Promise<void> {
    this.ready()
    const now = Date.now()
    this.db.transaction(() => {
      this.s.ensure.run(convId, now, now)
      this.s.recordRebuild.run(convId, JSON.stringify(record))
    })()
  }

  async rebuilds(convId: string): Promise<RebuildEntry[]> {
    this.ready()
    return this.s.rebuilds.all(convId).map((row) => rebuildOf(textOf(row)))
  }

  async runStarted(convId: string, inferenceId: string, startedAt = Date.now()): Promise<void> {
    this.ready()
    this.db.transaction(() => {
      this.s.ensure.run(convId, startedAt, startedAt)
      this.s.runStarted.run(convId, inferenceId, startedAt)
      this.s.touch.run(startedAt, convId)
    })()
  }

  async runEnded(convId: string, inferenceId: string, end: RunEnd): Promise<void> {
    this.ready()
    const endedAt = end.ended_at ?? Date.now()
    this.s.runEnded.run({
      conv: convId,
      inference_id: inferenceId,
      status: end.status,
      ended_at: endedAt,
      error: end.error ?? null,
      partial_text: end.partial_text ?? null,
    })
  }

  async runs(convId: string): Promise<StoredRun[]> {
    this.ready()
    return this.s.runs.all(convId).map((row) => runOf(runRowOf(row)))
  }

  async markInterruptedRuns(): Promise<InterruptedRun[]> {
    this.ready()
    return this.markInterrupted()
  }

  async flush(): Promise<void> {
    this.assertOpen()
    this.writer.flush()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.writer.finish()
    this.closed = true
    this.db.close()
  }

  stats(): StoreStats {
    return {...this.writer.counters, frames_pending: this.writer.pendingCount}
  }

  private markInterrupted(): InterruptedRun[] {
    const running = this.s.runningRuns.all().map(runRowOf)
    const marked: InterruptedRun[] = []
    const now = Date.now()
    this.db.transaction(() => {
      for (const row of running) {
        const deltas = this.s.deltasNewestFirst.iterate(row.conv_id) as IterableIterator<{value: string}>
        const partial = partialTextOf(
          mapIterable(deltas, (r) => r.value),
          row.inference_id,
        )
        this.s.runEnded.run({
          conv: row.conv_id,
          inference_id: row.inference_id,
          status: 'interrupted',
          ended_at: now,
          error: null,
          partial_text: partial ?? null,
        })
        marked.push({...runOf({...row, status: 'interrupted', ended_at: now, partial_text: partial ?? null}), conv_id: row.conv_id})
      }
    })()
    return marked
  }

  /** Commits pending frames so a read sees every append before it. */
  private ready(): void {
    this.assertOpen()
    if (this.writer.pendingCount > 0) this.writer.flush()
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the conversation store ${this.location} is closed`)
  }
}

function* mapIterable<T, U>(items: Iterable<T>, map: (item: T) => U): Generator<U> {
  for (const item of items) yield map(item)
}
