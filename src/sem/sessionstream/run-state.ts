import {rootMessageIdOf, textMessageIdOf, thinkingMessageIdOf} from './message-ids.js'

/** One open stream (a text or reasoning segment): its id, what it streamed, its byte offset and patch count. */
export interface OpenSegment {
  readonly messageId: string
  text: string
  /** UTF-8 bytes streamed so far (pinocchio's `offset` is a Go byte offset). */
  bytes: number
  sequence: number
}

/**
 * What the projection remembers about the run in progress: its root id, the segments it opened
 * (numbered from 1 per run, as pinocchio does) and which core message each belongs to, and whether
 * it already told the client how it ended.
 */
export class RunState {
  readonly root: string
  prompt = ''
  private textSegments = 0
  private thinkingSegments = 0
  /** Core `meta.message_id` → its text segment. */
  readonly texts = new Map<string, OpenSegment>()
  /** Core `meta.message_id` → its reasoning segment. */
  readonly thinking = new Map<string, OpenSegment>()
  /** The text segment still streaming, if any. */
  openText: OpenSegment | undefined
  ended = false

  constructor(readonly inferenceId: string) {
    this.root = rootMessageIdOf(inferenceId)
  }

  /** The text segment of a core message, opened on first use. */
  textOf(coreMessageId: string): {segment: OpenSegment; opened: boolean} {
    const known = this.texts.get(coreMessageId)
    if (known) return {segment: known, opened: false}
    const segment = {messageId: textMessageIdOf(this.root, ++this.textSegments), text: '', bytes: 0, sequence: 0}
    this.texts.set(coreMessageId, segment)
    return {segment, opened: true}
  }

  /** The reasoning segment of a core message, opened on first use. */
  thinkingOf(coreMessageId: string): {segment: OpenSegment; opened: boolean} {
    const known = this.thinking.get(coreMessageId)
    if (known) return {segment: known, opened: false}
    const segment = {messageId: thinkingMessageIdOf(this.root, ++this.thinkingSegments), text: '', bytes: 0, sequence: 0}
    this.thinking.set(coreMessageId, segment)
    return {segment, opened: true}
  }
}

/** Appends a delta to a segment; returns the patch cursor (`sequence`, byte `offset`) pinocchio sends. */
export function appendToSegment(segment: OpenSegment, delta: string): {sequence: string; offset: string} {
  const offset = segment.bytes
  segment.text += delta
  segment.bytes += Buffer.byteLength(delta)
  segment.sequence += 1
  return {sequence: String(segment.sequence), offset: String(offset)}
}
