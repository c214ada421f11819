import {describe, expect, it} from 'vitest'
import {MAX_PACKED_CHARS, packedBytes, packText, unpackText} from '../../src/store/index.js'

describe('packed text', () => {
  it('gives back the text exactly (quotes, escapes, non-Latin-1) and holds less of repetitive JSON', () => {
    const line = (i: number) => `{"topic":"chat:c1","payload":{"type":"partial","delta":"wörd ${i} \\"q\\" 日本 🎉","completion":null}}\n`
    const text = Array.from({length: 200}, (_, i) => line(i)).join('')
    const packed = packText(text)
    expect(unpackText(packed)).toBe(text)
    expect(packedBytes(packed) * 5).toBeLessThan(text.length)
    expect(unpackText(packText(''))).toBe('')
  })

  it('keeps text longer than MAX_PACKED_CHARS as it is (packing is synchronous)', () => {
    const text = 'x'.repeat(MAX_PACKED_CHARS + 1)
    const packed = packText(text)
    expect(packed.kind).toBe('plain')
    expect(unpackText(packed)).toBe(text)
  })

  it('keeps text with a lone surrogate as it is (it has no UTF-8 form)', () => {
    const lone = `abc${String.fromCharCode(0xd83d)}def`.repeat(50)
    expect(packText(lone).kind).toBe('plain')
    expect(unpackText(packText(lone))).toBe(lone)
    expect(packText(`${'🎉 \\ud83d escaped is fine '.repeat(50)}`).kind).toBe('deflated')
  })
})
