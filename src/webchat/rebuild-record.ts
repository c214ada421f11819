import jsonDiff from 'json-diff'
import {redactSecrets} from '../core/index.js'
import type {EngineConfig, Signature} from './engine/index.js'

/** Why and how a conversation's engine was rebuilt. Kept on the conversation and sent as a frame. */
export interface RebuildRecord {
  readonly at: string
  readonly reason: string
  /** Short signature hashes. */
  readonly from: string
  readonly to: string
  /** json-diff's structured delta of the two configs (`{key: {__old, __new}}`, array ops…). */
  readonly diff: unknown
  /** The same diff as text (`-` / `+` lines), for people. */
  readonly diff_text: string
  /** Top-level config keys that changed. */
  readonly changed: readonly string[]
}

export function rebuildRecord(from: {config: EngineConfig; signature: Signature}, to: {config: EngineConfig; signature: Signature}, cause: string): RebuildRecord {
  const a = redactSecrets(from.config) as Record<string, unknown>
  const b = redactSecrets(to.config) as Record<string, unknown>
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort()
  return {
    at: new Date().toISOString(),
    reason: `${cause}: ${changed.length > 0 ? changed.join(', ') : 'signature'} changed`,
    from: from.signature.hash,
    to: to.signature.hash,
    diff: jsonDiff.diff(a, b) ?? {},
    diff_text: jsonDiff.diffString(a, b, {color: false}),
    changed,
  }
}
