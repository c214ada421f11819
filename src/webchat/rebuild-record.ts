import type {EngineConfig, Signature} from '../engine/index.js'
import {explainConfigDiff, renderConfigDiff} from '../engine/index.js'

/** Why and how a conversation's engine was rebuilt. Kept on the conversation and sent as a frame. */
export interface RebuildRecord {
  readonly at: string
  /** One line: what caused it and what changed ("overrides: system_prompt changed; tool clock removed"). */
  readonly reason: string
  /** Short signature hashes. */
  readonly from: string
  readonly to: string
  /** json-diff's structured delta of the two configs (`{key: {__old, __new}}`, array ops…), secrets removed. */
  readonly diff: unknown
  /** The same diff as text (`-` / `+` lines), for people. */
  readonly diff_text: string
  /** One entry per changed path. */
  readonly reasons: readonly string[]
}

/** The record of a rebuild, explained by the one config-diff formatter (`explainConfigDiff`). */
export function rebuildRecord(
  from: {config: EngineConfig; signature: Signature},
  to: {config: EngineConfig; signature: Signature},
  cause: string,
): RebuildRecord {
  const explained = explainConfigDiff(from.config, to.config)
  const reasons = explained.reasons.length > 0 ? explained.reasons : ['signature changed']
  return {
    at: new Date().toISOString(),
    reason: `${cause}: ${reasons.join('; ')}`,
    from: from.signature.hash,
    to: to.signature.hash,
    diff: explained.diff ?? {},
    diff_text: renderConfigDiff(explained.diff),
    reasons,
  }
}
