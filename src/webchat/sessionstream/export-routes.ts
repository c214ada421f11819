import {stringify as toYaml} from 'yaml'
import type {Turn} from '../../core/index.js'
import {HttpError} from '../http/http-error.js'
import type {RouteContext, RouteHandler} from '../http/router.js'
import type {SessionStreamHub} from './session-stream-hub.js'
import {sessionIdOf} from './session-routes.js'

const FORMATS = {json: 'application/json', yaml: 'application/yaml', markdown: 'text/markdown'} as const
type Format = keyof typeof FORMATS
type Part = 'timeline' | 'turns' | 'export'

/**
 * `GET /api/chat/sessions/{id}/timeline|turns|export?format=json|yaml|markdown&download=1`: the
 * session's timeline entities, its turns (jiminy keeps one snapshot Turn per conversation, so
 * `turns` holds that one), or both, rendered; `download=1` adds a Content-Disposition attachment
 * (`jiminy-{id}-{part}.{ext}`).
 */
export function exportRoute(hub: SessionStreamHub, part: Part): RouteHandler {
  return async ({res, url, params, app}: RouteContext) => {
    const sessionId = sessionIdOf(params)
    const format = formatOf(url.searchParams.get('format'))
    const stream = await hub.ready(sessionId)
    const timeline = {
      session_id: sessionId,
      snapshot_ordinal: stream.timeline.ordinal.toString(),
      entities: stream.timeline.snapshotBody(sessionId, '').entities,
    }
    const turn = (await app.manager.snapshot(sessionId))?.turn
    const turns = {session_id: sessionId, turns: turn ? [turn] : []}
    const body = part === 'timeline' ? timeline : part === 'turns' ? turns : {session_id: sessionId, timeline, turns}
    const text = render(body, format, sessionId, part === 'timeline' ? undefined : turn)
    const headers: Record<string, string | number> = {
      'content-type': `${FORMATS[format]}; charset=utf-8`,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    }
    const ext = format === 'markdown' ? 'md' : format
    if (url.searchParams.get('download') === '1')
      headers['content-disposition'] = `attachment; filename="jiminy-${sessionId}-${part}.${ext}"`
    res.writeHead(200, headers)
    res.end(text)
  }
}

function formatOf(raw: string | null): Format {
  const format = (raw ?? 'json').toLowerCase()
  const normalized = format === 'md' ? 'markdown' : format === 'yml' ? 'yaml' : format
  if (normalized in FORMATS) return normalized as Format
  // 400 as pinocchio answers it (a query value, not a body).
  throw new HttpError('invalid_format', `format must be one of json, yaml, markdown; got ${JSON.stringify(raw)}`, {field: 'format'})
}

function render(body: {entities?: unknown} | object, format: Format, sessionId: string, turn: Turn | undefined): string {
  switch (format) {
    case 'json':
      return JSON.stringify(body, null, 2) + '\n'
    case 'yaml':
      return toYaml(body)
    case 'markdown':
      return markdownOf(sessionId, body, turn)
    default: {
      const _exhaustive: never = format
      return _exhaustive
    }
  }
}

/** A readable transcript: each timeline message by role, then the turn's blocks. */
function markdownOf(sessionId: string, body: object, turn: Turn | undefined): string {
  const lines = [`# Session ${sessionId}`, '']
  const timeline = 'entities' in body ? body : 'timeline' in body ? (body as {timeline: {entities: unknown}}).timeline : undefined
  const entities = (timeline as {entities?: {kind: string; payload?: Record<string, unknown>}[]} | undefined)?.entities ?? []
  if (entities.length > 0) lines.push('## Timeline', '')
  for (const e of entities) {
    const p = e.payload ?? {}
    const str = (...values: unknown[]): string => {
      const found = values.find((v) => typeof v === 'string')
      return typeof found === 'string' ? found : ''
    }
    if (e.kind === 'ChatMessage') lines.push(`**${str(p.role, 'message')}**: ${str(p.content, p.text)}`, '')
    else if (e.kind === 'ChatToolCall') lines.push(`*tool call* \`${str(p.toolName)}\` ${str(p.input)} (${str(p.status)})`, '')
    else if (e.kind === 'ChatToolResult') lines.push(`*tool result*: ${str(p.result)}`, '')
    else lines.push(`*${e.kind}*: ${JSON.stringify(p)}`, '')
  }
  if (turn) {
    lines.push('## Turn', '')
    for (const block of turn.blocks)
      lines.push(`- **${block.kind}**${block.role ? ` (${block.role})` : ''}: ${JSON.stringify(block.payload)}`)
    lines.push('')
  }
  return lines.join('\n')
}
