import {blockText, redactSecrets, redactString, type RunOutcome, type Turn} from '../core/index.js'
import {loggedFrameOf, type BuiltFrame, type FrameLog, type LoggedFrame} from '../sem/index.js'
import type {ConversationStore, ConversationSummary, RunEnd, StoredFrame, StoredRun} from '../store/index.js'
import type {SnapshotStore} from './snapshot-store.js'

/** Snapshots kept in the conversation store, so the next run after a restart continues from the last one. */
export function storeSnapshots(store: ConversationStore): SnapshotStore {
  return {
    kind: 'store',
    load: async (convId, local) => local ?? (await store.loadSnapshot(convId)),
    save: (convId, turn: Turn) => store.saveSnapshot(convId, redactSecrets(turn)),
  }
}

/**
 * The row the store keeps for a frame: the frame text as built, never re-encoded. The FrameLog
 * keeps the same fields, so the row is the log's own entry when it has the frame (one object and
 * one string per frame for both, not one each).
 */
export function storedFrameOf(frame: BuiltFrame, log: FrameLog): StoredFrame {
  const logged = log.newest()
  return logged?.seq === frame.seq ? logged : loggedFrameOf(frame)
}

/**
 * A stored conversation's log as the FrameLog holds it: its last `capacity` frames (the rows as
 * read: the log keeps text, not parsed frames) and the seq the next frame continues from.
 */
async function storedLog(store: ConversationStore, convId: string, capacity: number): Promise<{lastSeq: number; frames: LoggedFrame[]}> {
  const lastSeq = await store.lastSeq(convId)
  if (lastSeq === 0) return {lastSeq, frames: []}
  return {lastSeq, frames: await store.framesAfter(convId, Math.max(0, lastSeq - capacity), capacity)}
}

/**
 * What a conversation brings back from the store when it is opened again: its log (same seqs, so
 * clients resume by after_seq) and its snapshot (so the model sees the earlier turns). A store that
 * cannot be read is reported and the conversation starts empty rather than failing the request.
 */
export async function hydrate(
  store: ConversationStore,
  convId: string,
  capacity: number,
  onError: (error: unknown, what: string) => void,
): Promise<{lastSeq: number; frames: LoggedFrame[]; snapshot: Turn | undefined}> {
  const [log, snapshot] = await Promise.all([
    storedLog(store, convId, capacity).catch((error: unknown) => {
      onError(error, 'log hydration')
      return {lastSeq: 0, frames: []}
    }),
    store.loadSnapshot(convId).catch((error: unknown) => {
      onError(error, 'snapshot hydration')
      return undefined
    }),
  ])
  return {...log, snapshot}
}

/** What a run's outcome leaves in the store: its status, error and (for a run cut short) the text so far. */
export function runEndOf(outcome: RunOutcome): RunEnd {
  const status = outcome.status
  const partial = status === 'cancelled' || status === 'failed' ? lastAssistantText(outcome.turn) : undefined
  return {
    status,
    ...(outcome.error !== undefined ? {error: redactString(outcome.error)} : {}),
    ...(partial !== undefined ? {partial_text: partial} : {}),
  }
}

function lastAssistantText(turn: Turn): string | undefined {
  const block = turn.blocks.findLast((b) => b.kind === 'llm_text')
  return block ? blockText(block) : undefined
}

/** A title from the first prompt: one line, at most 80 characters. */
export function titleOf(prompt: string): string {
  const line = redactString(prompt).replace(/\s+/g, ' ').trim()
  return line.length > 80 ? `${line.slice(0, 79)}…` : line
}

/** One row of `GET /api/conversations`: live state when the conversation is live, stored state otherwise. */
export interface ConversationListing {
  readonly conv_id: string
  readonly title: string
  readonly profile: string
  readonly running: boolean
  readonly last_seq: number
  readonly last_activity: string
  /** True when this instance has it open now (engine, sockets). */
  readonly live: boolean
  readonly stored: boolean
  readonly [extra: string]: unknown
}

export function listingOf(s: ConversationSummary): ConversationListing {
  return {
    conv_id: s.id,
    title: s.title,
    profile: s.profile,
    running: false,
    last_seq: s.last_seq,
    last_activity: new Date(s.updated_at).toISOString(),
    live: false,
    stored: true,
  }
}

/** `GET /api/conversations/{id}` for a conversation only the store has. */
export interface StoredConversationDetail {
  readonly conv_id: string
  readonly title: string
  readonly profile: string
  readonly signature: string
  readonly config: unknown
  readonly running: false
  readonly live: false
  readonly last_seq: number
  readonly created_at: string
  readonly last_activity: string
  readonly runs: readonly StoredRun[]
  readonly rebuilds: readonly unknown[]
  readonly turn: Turn | null
}

/** A conversation only the store has (not opened since the restart): what it holds, without building an engine. */
export async function storedDetail(store: ConversationStore, convId: string): Promise<StoredConversationDetail | undefined> {
  const record = await store.get(convId)
  if (!record) return undefined
  const [turn, runs, rebuilds] = await Promise.all([store.loadSnapshot(convId), store.runs(convId), store.rebuilds(convId)])
  return {
    conv_id: record.id,
    title: record.title,
    profile: record.profile,
    signature: record.signature,
    config: record.config,
    running: false,
    live: false,
    last_seq: record.last_seq,
    created_at: new Date(record.created_at).toISOString(),
    last_activity: new Date(record.updated_at).toISOString(),
    runs,
    rebuilds,
    turn: turn ?? null,
  }
}
