import {EventSchema, V1_INFO_MESSAGES, type Event} from './events.js'

export type DecodeError = {kind: 'invalid-json'; message: string} | {kind: 'invalid-event'; message: string; path: string}

export type DecodeResult = {ok: true; event: Event} | {ok: false; error: DecodeError}

export function encodeEvent(event: Event): string {
  return JSON.stringify(event)
}

/** Decodes one event from JSON text (or an already parsed value). Never throws. */
export function decodeEvent(input: unknown): DecodeResult {
  let value: unknown = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      return {ok: false, error: {kind: 'invalid-json', message: (error as Error).message}}
    }
  }
  const parsed = EventSchema.safeParse(upgradeV1Info(value))
  if (parsed.success) return {ok: true, event: parsed.data}
  const issue = parsed.error.issues[0]
  const path = issue ? issue.path.map(String).join('.') : ''
  const message = issue ? `${path ? path + ': ' : ''}${issue.message}` : 'invalid event'
  return {ok: false, error: {kind: 'invalid-event', message, path}}
}

export function describeDecodeError(error: DecodeError): string {
  return error.kind === 'invalid-json' ? `malformed JSON: ${error.message}` : `invalid event: ${error.message}`
}

/**
 * v1 fixtures carry `user-prompt`, `thinking-ended` and `conversation-rebuilt` as `info` events
 * with the name in `message`; v2 has a typed event for each. Rewritten before validation so old
 * recordings replay to the same frames. Exported for replay's fast decoder, which must see what zod sees.
 */
export function upgradeV1Info(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const v = value as {type?: unknown; message?: unknown; data?: unknown; meta?: unknown}
  if (v.type !== 'info' || !(V1_INFO_MESSAGES as readonly unknown[]).includes(v.message)) return value
  const data = (typeof v.data === 'object' && v.data !== null ? v.data : {}) as Record<string, unknown>
  const text = typeof data.text === 'string' ? data.text : ''
  switch (v.message as (typeof V1_INFO_MESSAGES)[number]) {
    case 'user-prompt':
      return {
        type: 'user-prompt',
        meta: v.meta,
        text,
        block_id: typeof data.block_id === 'string' ? data.block_id : (v.meta as {id?: unknown} | undefined)?.id,
      }
    case 'thinking-ended':
      return {type: 'thinking-ended', meta: v.meta, text}
    case 'conversation-rebuilt':
      return {type: 'conversation-rebuilt', meta: v.meta, record: data}
  }
}
