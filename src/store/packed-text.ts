import {constants, deflateRawSync, inflateRawSync} from 'node:zlib'

/**
 * Text kept deflated in memory: what a live conversation holds only in case someone asks (a
 * finished run's events, the recording tape's sealed lines) is repetitive JSON that deflates about
 * tenfold, and is read rarely (a save, a late replay). Text longer than MAX_PACKED_CHARS stays as it
 * is, so packing never blocks the event loop for long (it runs synchronously).
 */
export type PackedText = {readonly kind: 'plain'; readonly text: string} | {readonly kind: 'deflated'; readonly bytes: Uint8Array}

/** Longest text deflated (about a millisecond or two of deflate at level 1). */
export const MAX_PACKED_CHARS = 256 * 1024

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export function packText(text: string): PackedText {
  // A lone surrogate has no UTF-8 form: such text would not come back the same.
  if (text.length > MAX_PACKED_CHARS || LONE_SURROGATE.test(text)) return {kind: 'plain', text}
  const deflated = deflateRawSync(text, {level: constants.Z_BEST_SPEED})
  // zlib's result is a view on a larger output buffer: copy it into one of its own size.
  return {kind: 'deflated', bytes: new Uint8Array(deflated)}
}

export function unpackText(packed: PackedText): string {
  switch (packed.kind) {
    case 'plain':
      return packed.text
    case 'deflated':
      return inflateRawSync(packed.bytes).toString('utf8')
  }
}

/** Bytes the packed form holds (tests of the bounds). */
export function packedBytes(packed: PackedText): number {
  switch (packed.kind) {
    case 'plain':
      return packed.text.length
    case 'deflated':
      return packed.bytes.byteLength
  }
}
