import {canonicalJson, cloneTurn, type Turn} from '../core/index.js'
import type {ConversationStore} from './conversation-store.js'
import {partialTextOf} from './partial-text.js'
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
} from './types.js'

interface MemoryConversation {
  id: string
  title: string
  profile: string
  signature: string
  /** Canonical JSON, parsed on read, so a caller never shares an object with the store. */
  configJson: string
  created_at: number
  updated_at: number
  /** frames[head..] are live; the dead prefix is dropped in chunks so trimming stays O(1) amortized. */
  frames: StoredFrame[]
  head: number
  snapshot?: Turn
  timeline?: string
  rebuilds: RebuildEntry[]
  runs: Map<string, StoredRun>
}

/** The ephemeral store: same contract as SQLite, nothing survives the process. */
export class MemoryConversationStore implements ConversationStore {
  readonly kind = 'memory'
  readonly location = 'memory'
  private readonly conversations = new Map<string, MemoryConversation>()
  private readonly maxFrames: number
  private counters = {frames_written: 0, bytes_written: 0, batches: 0, frames_trimmed: 0}
  private closed = false

  constructor(options: StoreOptions = {}) {
    this.maxFrames = options.maxFrames ?? DEFAULT_MAX_FRAMES
  }

  async list(): Promise<ConversationSummary[]> {
    this.assertOpen()
    return [...this.conversations.values()]
      .sort((a, b) => b.updated_at - a.updated_at || (a.id < b.id ? -1 : 1))
      .map((c) => ({
        id: c.id,
        title: c.title,
        profile: c.profile,
        updated_at: c.updated_at,
        frame_count: c.frames.length - c.head,
        last_seq: lastSeqOf(c),
      }))
  }

  async get(id: string): Promise<ConversationRecord | undefined> {
    this.assertOpen()
    const c = this.conversations.get(id)
    return c && recordOf(c)
  }

  async upsertConversation(input: ConversationInput): Promise<ConversationRecord> {
    this.assertOpen()
    const now = input.now ?? Date.now()
    const c = this.conversations.get(input.id) ?? this.create(input.id, now)
    c.profile = input.profile
    c.signature = input.signature
    c.configJson = canonicalJson(input.config)
    if (c.title === '' && input.title !== undefined) c.title = input.title
    c.updated_at = Math.max(c.updated_at, now)
    return recordOf(c)
  }

  async rename(id: string, title: string): Promise<boolean> {
    this.assertOpen()
    const c = this.conversations.get(id)
    if (!c) return false
    c.title = title
    c.updated_at = Math.max(c.updated_at, Date.now())
    return true
  }

  async delete(id: string): Promise<boolean> {
    this.assertOpen()
    return this.conversations.delete(id)
  }

  appendFrames(convId: string, frames: readonly StoredFrame[]): void {
    if (this.closed || frames.length === 0) return
    const c = this.conversations.get(convId) ?? this.create(convId, Date.now())
    let last = lastSeqOf(c)
    let added = 0
    for (const frame of frames) {
      if (frame.seq <= last) continue
      c.frames.push(frame)
      last = frame.seq
      added++
      this.counters.bytes_written += frame.json.length
    }
    if (added === 0) return
    this.counters.frames_written += added
    this.counters.batches++
    c.updated_at = Math.max(c.updated_at, Date.now())
    const excess = c.frames.length - c.head - this.maxFrames
    if (excess > 0) {
      c.head += excess
      this.counters.frames_trimmed += excess
      if (c.head >= this.maxFrames) {
        c.frames = c.frames.slice(c.head)
        c.head = 0
      }
    }
  }

  async framesAfter(convId: string, afterSeq: number, limit = Infinity): Promise<StoredFrame[]> {
    this.assertOpen()
    const c = this.conversations.get(convId)
    if (!c) return []
    let lo = c.head
    let hi = c.frames.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (c.frames[mid]!.seq <= afterSeq) lo = mid + 1
      else hi = mid
    }
    return c.frames.slice(lo, Math.min(c.frames.length, lo + limit))
  }

  async lastSeq(convId: string): Promise<number> {
    this.assertOpen()
    const c = this.conversations.get(convId)
    return c ? lastSeqOf(c) : 0
  }

  async saveSnapshot(convId: string, turn: Turn): Promise<void> {
    this.assertOpen()
    const c = this.conversations.get(convId) ?? this.create(convId, Date.now())
    c.snapshot = cloneTurn(turn)
    c.updated_at = Math.max(c.updated_at, Date.now())
  }

  async saveTimeline(convId: string, json: string): Promise<void> {
    this.assertOpen()
    const c = this.conversations.get(convId) ?? this.create(convId, Date.now())
    c.timeline = json
  }

  async loadTimeline(convId: string): Promise<string | undefined> {
    this.assertOpen()
    return this.conversations.get(convId)?.timeline
  }

  async loadSnapshot(convId: string): Promise<Turn | undefined> {
    this.assertOpen()
    const turn = this.conversations.get(convId)?.snapshot
    return turn && cloneTurn(turn)
  }

  async recordRebuild(convId: string, record: RebuildEntry): Promise<void> {
    this.assertOpen()
    const c = this.conversations.get(convId) ?? this.create(convId, Date.now())
    c.rebuilds.push(structuredClone(record))
  }

  async rebuilds(convId: string): Promise<RebuildEntry[]> {
    this.assertOpen()
    return structuredClone(this.conversations.get(convId)?.rebuilds ?? [])
  }

  async runStarted(convId: string, inferenceId: string, startedAt = Date.now()): Promise<void> {
    this.assertOpen()
    const c = this.conversations.get(convId) ?? this.create(convId, startedAt)
    c.runs.set(inferenceId, {inference_id: inferenceId, status: 'running', started_at: startedAt})
  }

  async runEnded(convId: string, inferenceId: string, end: RunEnd): Promise<void> {
    this.assertOpen()
    const run = this.conversations.get(convId)?.runs.get(inferenceId)
    if (!run) return
    run.status = end.status
    run.ended_at = end.ended_at ?? Date.now()
    if (end.error !== undefined) run.error = end.error
    if (end.partial_text !== undefined) run.partial_text = end.partial_text
  }

  async runs(convId: string): Promise<StoredRun[]> {
    this.assertOpen()
    const runs = this.conversations.get(convId)?.runs
    return runs ? [...runs.values()].map((r) => ({...r})) : []
  }

  async markInterruptedRuns(): Promise<(StoredRun & {conv_id: string})[]> {
    this.assertOpen()
    const marked: (StoredRun & {conv_id: string})[] = []
    for (const c of this.conversations.values()) {
      for (const run of c.runs.values()) {
        if (run.status !== 'running') continue
        run.status = 'interrupted'
        run.ended_at = Date.now()
        const partial = partialTextOf(deltasNewestFirst(c), run.inference_id)
        if (partial !== undefined) run.partial_text = partial
        marked.push({...run, conv_id: c.id})
      }
    }
    return marked
  }

  async flush(): Promise<void> {
    this.assertOpen()
  }

  async close(): Promise<void> {
    this.closed = true
  }

  stats(): StoreStats {
    return {...this.counters, frames_dropped: 0, frames_pending: 0, write_errors: 0}
  }

  private create(id: string, now: number): MemoryConversation {
    const c: MemoryConversation = {
      id,
      title: '',
      profile: '',
      signature: '',
      configJson: '{}',
      created_at: now,
      updated_at: now,
      frames: [],
      head: 0,
      rebuilds: [],
      runs: new Map(),
    }
    this.conversations.set(id, c)
    return c
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the conversation store is closed')
  }
}

function lastSeqOf(c: MemoryConversation): number {
  return c.frames.length > c.head ? c.frames[c.frames.length - 1]!.seq : 0
}

function recordOf(c: MemoryConversation): ConversationRecord {
  return {
    id: c.id,
    title: c.title,
    profile: c.profile,
    signature: c.signature,
    config: JSON.parse(c.configJson) as unknown,
    created_at: c.created_at,
    updated_at: c.updated_at,
    frame_count: c.frames.length - c.head,
    last_seq: lastSeqOf(c),
  }
}

function* deltasNewestFirst(c: MemoryConversation): Generator<string> {
  for (let i = c.frames.length - 1; i >= c.head; i--) {
    const frame = c.frames[i]!
    if (frame.type === 'llm.delta') yield frame.json
  }
}
