import type {EngineConfig, RebuildCause, Signature} from '../engine/index.js'
import {explainConfigDiff, renderConfigDiff} from '../engine/index.js'

/** Why and how a conversation's engine was rebuilt. Kept on the conversation and sent as a frame. */
export interface RebuildRecord {
  readonly at: string
  /** One line: what caused it and what changed ("overrides: system_prompt changed; tool clock removed"). */
  readonly reason: string
  /** What caused it: a request (profile, overrides), the config file, or a plugin file (DESIGN §3). */
  readonly source: RebuildCause['source']
  /** The file whose change caused it (source file or plugin). */
  readonly file?: string
  /** The plugin's name (source plugin). */
  readonly plugin?: string
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
  cause: string | RebuildCause,
): RebuildRecord {
  const explained = explainConfigDiff(from.config, to.config)
  const reasons = explained.reasons.length > 0 ? explained.reasons : ['signature changed']
  const origin: RebuildCause = typeof cause === 'string' ? {source: 'request'} : cause
  return {
    at: new Date().toISOString(),
    reason: `${causeLabel(cause)}: ${reasons.join('; ')}`,
    source: origin.source,
    ...(origin.file !== undefined ? {file: origin.file} : {}),
    ...(origin.plugin !== undefined ? {plugin: origin.plugin} : {}),
    from: from.signature.hash,
    to: to.signature.hash,
    diff: explained.diff ?? {},
    diff_text: renderConfigDiff(explained.diff),
    reasons,
  }
}

/** "request", "profile a → b", "config file jiminy.yaml", "plugin shout-plugin (plugins/shout.js)". */
function causeLabel(cause: string | RebuildCause): string {
  if (typeof cause === 'string') return cause
  switch (cause.source) {
    case 'request':
      return 'request'
    case 'file':
      return cause.file !== undefined ? `config file ${cause.file}` : 'config file'
    case 'plugin':
      return `plugin ${cause.plugin ?? cause.file ?? ''}${cause.plugin !== undefined && cause.file !== undefined ? ` (${cause.file})` : ''}`.trimEnd()
  }
}
