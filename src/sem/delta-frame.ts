import {LazyBuiltFrame} from './built-frame.js'
import type {BuiltFrame, FrameCursor, SemEvent, SemFrameBody} from './frames.js'

type DeltaBody = Extract<SemFrameBody, {type: 'llm.delta'}>
type DeltaEvent = Extract<SemEvent, {type: 'llm.delta'}>

/** The keys of an llm.delta body as the translator makes it, in its order (= the order JSON.stringify writes them). */
const DELTA_KEYS = ['type', 'id', 'conv_id', 'inference_id', 'delta', 'cumulative', 'metadata'] as const

/**
 * `buildFrame` for the hottest frame, one per streamed token: the same object and the same text as
 * the generic path (`{...body, seq}` then `JSON.stringify`), built as a literal and a template,
 * ≈4× cheaper (an object spread with a key added, and the generic serializer, were most of a
 * frame's cost). Every string goes through `JSON.stringify` itself, so escaping (quotes, control
 * characters, lone surrogates) is the engine's own. Returns undefined for a body not shaped exactly
 * as the translator makes it (other keys, another order, a non-string field): the caller then
 * takes the generic path. The text, like every frame's, is made on the first read of `json`.
 * `test/sem/delta-frame.test.ts` checks both agree byte for byte.
 */
export function buildDeltaFrame(body: DeltaBody, cursor: FrameCursor): BuiltFrame | undefined {
  let i = 0
  for (const key in body) if (key !== DELTA_KEYS[i++]) return undefined
  if (i !== DELTA_KEYS.length) return undefined
  const {id, conv_id, inference_id, delta, cumulative, metadata} = body
  if (typeof id !== 'string' || typeof conv_id !== 'string' || typeof inference_id !== 'string') return undefined
  if (typeof delta !== 'string' || typeof cumulative !== 'string') return undefined
  const {seq, stream_id} = cursor
  if (!Number.isSafeInteger(seq) || (stream_id !== undefined && typeof stream_id !== 'string')) return undefined
  // Not an object (undefined above all): JSON may drop the value, and the generic path the key.
  if (typeof metadata !== 'object') return undefined
  const event = (
    stream_id !== undefined
      ? {type: 'llm.delta', id, conv_id, inference_id, delta, cumulative, metadata, seq, stream_id}
      : {type: 'llm.delta', id, conv_id, inference_id, delta, cumulative, metadata, seq}
  ) satisfies SemEvent
  return new DeltaFrame(seq, 'llm.delta', {sem: true, event})
}

/** An llm.delta frame whose text is the template (its checks passed in `buildDeltaFrame`). */
class DeltaFrame extends LazyBuiltFrame {
  protected override serialize(): string {
    const {id, conv_id, inference_id, delta, cumulative, metadata, seq, stream_id} = this.frame.event as DeltaEvent
    // undefined when JSON drops the value (a toJSON that returns undefined): the generic text omits the key.
    const metadataJson = JSON.stringify(metadata) as string | undefined
    if (metadataJson === undefined) return super.serialize()
    return (
      '{"sem":true,"event":{"type":"llm.delta","id":' +
      JSON.stringify(id) +
      ',"conv_id":' +
      JSON.stringify(conv_id) +
      ',"inference_id":' +
      JSON.stringify(inference_id) +
      ',"delta":' +
      JSON.stringify(delta) +
      ',"cumulative":' +
      JSON.stringify(cumulative) +
      ',"metadata":' +
      metadataJson +
      ',"seq":' +
      String(seq) +
      (stream_id !== undefined ? ',"stream_id":' + JSON.stringify(stream_id) : '') +
      '}}'
    )
  }
}
