import {z} from 'zod'
import {RunTimelineSchema} from '../core/index.js'
import {CommandError} from './command-error.js'

/** One rebuild as the server records it (`GET /api/conversations/{id}` → `rebuilds[]`). */
export const RebuildSchema = z
  .object({
    at: z.string(),
    reason: z.string(),
    from: z.unknown(),
    to: z.unknown(),
    diff: z.unknown().optional(),
    reasons: z.array(z.string()).optional(),
  })
  .loose()
export type Rebuild = z.infer<typeof RebuildSchema>

export const ConversationRebuildsSchema = z
  .object({
    conv_id: z.string(),
    profile: z.string(),
    signature: z.string(),
    rebuilds: z.array(RebuildSchema).default([]),
    /** The live conversation's finished runs with their timelines (`explain --runs`). */
    timelines: z
      .array(
        z
          .object({
            inference_id: z.string(),
            status: z.string(),
            duration_ms: z.number(),
            stop_reason: z.string().optional(),
            timeline: RunTimelineSchema.optional(),
          })
          .loose(),
      )
      .default([]),
  })
  .loose()
export type ConversationRebuilds = z.infer<typeof ConversationRebuildsSchema>

const MAX_BODY_BYTES = 16 * 1024 * 1024

/** GET `/api/conversations/{id}` from a running `jiminy serve`; errors name the URL and status. */
export async function fetchConversation(options: {
  server: string
  convId: string
  token?: string
  timeoutMs?: number
}): Promise<ConversationRebuilds> {
  const base = options.server.endsWith('/') ? options.server : `${options.server}/`
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol))
    throw new CommandError('bad_flag', `--server ${JSON.stringify(options.server)} is not an http(s) URL`, {field: 'server'})
  const url = new URL(`api/conversations/${encodeURIComponent(options.convId)}`, base)
  let response: Response
  try {
    response = await fetch(url, {
      headers: {accept: 'application/json', ...(options.token ? {authorization: `Bearer ${options.token}`} : {})},
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    })
  } catch (error) {
    throw new CommandError(
      'unreachable',
      `cannot reach ${url.origin}: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
      {field: 'server'},
    )
  }
  const text = await response.text()
  if (text.length > MAX_BODY_BYTES) throw new CommandError('server_error', `${url.pathname}: answer too large`)
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new CommandError('server_error', `${url.pathname}: HTTP ${response.status}, not JSON`)
  }
  if (!response.ok) {
    const message = body && typeof body === 'object' && 'error' in body ? String(body.error) : `HTTP ${response.status}`
    const code =
      response.status === 404 ? 'not_found' : response.status === 401 || response.status === 403 ? 'unauthorized' : 'server_error'
    throw new CommandError(code, `${url.pathname}: HTTP ${response.status}: ${message}`, code === 'unauthorized' ? {field: 'token'} : {})
  }
  const parsed = ConversationRebuildsSchema.safeParse(body)
  if (!parsed.success)
    throw new CommandError(
      'server_error',
      `${url.pathname}: unexpected answer: ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`,
    )
  return parsed.data
}
