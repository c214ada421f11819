import {createRequire} from 'node:module'
import type JsonDiff from 'json-diff'
import {redactSecrets} from '../core/index.js'
import {canonicalJson} from './engine-config.js'

/** Why two engine configs differ: one reason a changed path, and json-diff's structural diff. */
export interface ConfigDiff {
  readonly changed: boolean
  /** e.g. "system_prompt changed", "middleware redact added", "plugin x 1.2.0 → 1.3.0". */
  readonly reasons: string[]
  /** json-diff's `diff(from, to)`; undefined when equal. Render it with `renderConfigDiff`. */
  readonly diff: unknown
}

type Json = Record<string, unknown>

// json-diff (and its dependencies) load on the first diff, not at start-up: `signature`, `replay`
// and `run` never diff. A CommonJS package, so a synchronous require keeps these functions sync.
let jsonDiffModule: typeof JsonDiff | undefined
const jsonDiff = (): typeof JsonDiff => (jsonDiffModule ??= createRequire(import.meta.url)('json-diff') as typeof JsonDiff)

/**
 * The one reason/diff formatter: `jiminy diff`, `jiminy explain` and the server's rebuild record
 * all use it. Inputs are EngineConfigs (or any JSON objects); secrets are removed first.
 */
export function explainConfigDiff(from: unknown, to: unknown): ConfigDiff {
  const a = plain(from)
  const b = plain(to)
  if (canonicalJson(a) === canonicalJson(b)) return {changed: false, reasons: [], diff: undefined}
  const reasons: string[] = []
  for (const key of unionKeys(a, b)) reasons.push(...reasonsFor(key, a[key], b[key]))
  return {changed: true, reasons, diff: jsonDiff().diff(a, b) ?? {}}
}

/** The structural diff as text, json-diff style (`-`/`+` lines), coloured when asked. */
export function renderConfigDiff(diff: unknown, options: {color?: boolean} = {}): string {
  if (diff === undefined || diff === null) return ''
  return jsonDiff().colorize(diff, {color: options.color ?? false})
}

function plain(value: unknown): Json {
  const clean = JSON.parse(canonicalJson(redactSecrets(value ?? {}))) as unknown
  return clean && typeof clean === 'object' && !Array.isArray(clean) ? (clean as Json) : {value: clean}
}

function reasonsFor(key: string, a: unknown, b: unknown): string[] {
  if (same(a, b)) return []
  switch (key) {
    case 'system_prompt':
      return [present(a) && present(b) ? 'system_prompt changed' : present(b) ? 'system_prompt added' : 'system_prompt removed']
    case 'middlewares':
      return contributionReasons('middleware', a, b)
    case 'subscribers':
      return contributionReasons('subscriber', a, b)
    case 'tools':
      return listReasons('tool', a, b)
    case 'tool_executor':
      return executorReasons(a, b)
    case 'plugins':
      return pluginReasons(a, b)
    case 'mcp':
      return mcpReasons(a, b)
    default:
      return isObject(a) && isObject(b) ? unionKeys(a, b).flatMap((k) => scalarReason(`${key}.${k}`, a[k], b[k])) : scalarReason(key, a, b)
  }
}

function scalarReason(path: string, a: unknown, b: unknown): string[] {
  if (same(a, b)) return []
  if (a === undefined) return [`${path} added: ${show(b)}`]
  if (b === undefined) return [`${path} removed (was ${show(a)})`]
  if (isObject(a) && isObject(b)) return [`${path} changed`]
  return [`${path} changed: ${show(a)} → ${show(b)}`]
}

interface Ref {
  name: string
  config: unknown
}

function refs(value: unknown): Ref[] {
  if (!Array.isArray(value)) return []
  return value.map((r) => (isObject(r) ? {name: String(r.name), config: r.config ?? {}} : {name: String(r), config: {}}))
}

function contributionReasons(kind: string, a: unknown, b: unknown): string[] {
  const before = refs(a)
  const after = refs(b)
  const reasons: string[] = []
  const names = (list: Ref[]) => list.map((r) => r.name)
  for (const name of unique([...names(before), ...names(after)])) {
    const was = before.filter((r) => r.name === name)
    const now = after.filter((r) => r.name === name)
    if (was.length === 0) reasons.push(`${kind} ${name} added`)
    else if (now.length === 0) reasons.push(`${kind} ${name} removed`)
    else if (was.length !== now.length) reasons.push(`${kind} ${name} now used ${now.length} times (was ${was.length})`)
    else if (
      !same(
        was.map((r) => r.config),
        now.map((r) => r.config),
      )
    )
      reasons.push(`${kind} ${name} config changed`)
  }
  const kept = (list: Ref[], other: Ref[]) => names(list).filter((n) => names(other).includes(n))
  if (reasons.every((r) => r.endsWith('config changed')) && !same(kept(before, after), kept(after, before))) {
    reasons.push(`${kind}s reordered: ${names(before).join(', ')} → ${names(after).join(', ')}`)
  }
  return reasons.length > 0 ? reasons : [`${kind}s changed`]
}

function listReasons(kind: string, a: unknown, b: unknown): string[] {
  const before = Array.isArray(a) ? a.map(String) : []
  const after = Array.isArray(b) ? b.map(String) : []
  const reasons = [
    ...after.filter((t) => !before.includes(t)).map((t) => `${kind} ${t} added`),
    ...before.filter((t) => !after.includes(t)).map((t) => `${kind} ${t} removed`),
  ]
  if (reasons.length === 0) reasons.push(`${kind}s reordered: ${before.join(', ')} → ${after.join(', ')}`)
  return reasons
}

function executorReasons(a: unknown, b: unknown): string[] {
  const [was] = refs([a])
  const [now] = refs([b])
  if (a === undefined || b === undefined || !was || !now) return scalarReason('tool_executor', a, b)
  if (was.name !== now.name) return [`tool_executor changed: ${was.name} → ${now.name}`]
  return [`tool_executor ${now.name} config changed`]
}

function pluginReasons(a: unknown, b: unknown): string[] {
  const before = isObject(a) ? a : {}
  const after = isObject(b) ? b : {}
  return unionKeys(before, after).flatMap((name) => {
    const was = before[name]
    const now = after[name]
    if (same(was, now)) return []
    if (was === undefined) return [`plugin ${name} added (${show(now)})`]
    if (now === undefined) return [`plugin ${name} removed (was ${show(was)})`]
    return [`plugin ${name} ${show(was)} → ${show(now)}`]
  })
}

/** Like a plugin change: "mcp server files: tool grep added", "… tool read schema changed", "… server.server_info.version changed: …". */
function mcpReasons(a: unknown, b: unknown): string[] {
  const before = isObject(a) ? a : {}
  const after = isObject(b) ? b : {}
  return unionKeys(before, after).flatMap((name) => {
    const was = before[name]
    const now = after[name]
    if (same(was, now)) return []
    if (!isObject(was)) return [`mcp server ${name} added`]
    if (!isObject(now)) return [`mcp server ${name} removed`]
    const label = `mcp server ${name}`
    const toolsWas = isObject(was.tools) ? was.tools : {}
    const toolsNow = isObject(now.tools) ? now.tools : {}
    const tools = unionKeys(toolsWas, toolsNow).flatMap((tool) => {
      if (same(toolsWas[tool], toolsNow[tool])) return []
      if (toolsWas[tool] === undefined) return [`${label}: tool ${tool} added`]
      if (toolsNow[tool] === undefined) return [`${label}: tool ${tool} removed`]
      return [`${label}: tool ${tool} schema changed`]
    })
    const server =
      isObject(was.server) && isObject(now.server)
        ? unionKeys(was.server, now.server).flatMap((k) => scalarReason(`${label}: ${k}`, (was.server as Json)[k], (now.server as Json)[k]))
        : []
    return [...server, ...tools]
  })
}

const MAX_SHOWN = 60

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b)
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== ''
}

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}

function unionKeys(a: Json, b: Json): string[] {
  return unique([...Object.keys(a), ...Object.keys(b)]).sort()
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)]
}
