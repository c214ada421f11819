import {EventSchema, type Event} from './events.js'

export type DecodeError = {kind: 'invalid-json'; message: string} | {kind: 'invalid-event'; message: string; path: string}

export type DecodeResult = {ok: true; event: Event} | {ok: false; error: DecodeError}

export function encodeEvent(event: Event): string {
  return JSON.stringify(event)
}

/** Decodes one event from JSON text or an already-parsed value. Never throws. */
/** `input`: event JSON text, or an already parsed value. */
export function decodeEvent(input: unknown): DecodeResult {
  let value: unknown = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch (error) {
      return {ok: false, error: {kind: 'invalid-json', message: (error as Error).message}}
    }
  }
  const parsed = EventSchema.safeParse(value)
  if (parsed.success) return {ok: true, event: parsed.data}
  const issue = parsed.error.issues[0]
  const path = issue ? issue.path.map(String).join('.') : ''
  const message = issue ? `${path ? path + ': ' : ''}${issue.message}` : 'invalid event'
  return {ok: false, error: {kind: 'invalid-event', message, path}}
}

export function describeDecodeError(error: DecodeError): string {
  return error.kind === 'invalid-json' ? `malformed JSON: ${error.message}` : `invalid event: ${error.message}`
}
