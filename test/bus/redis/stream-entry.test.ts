import {describe, expect, it} from 'vitest'
import {parseEntry, parseEntryWithSchema, type RawEntry} from '../../../src/bus/redis/stream-entry.js'

// The fast path for the append script's layout against the schema parse, on that layout and others.
const CASES: RawEntry[] = [
  ['1-0', ['payload', '{"type":"info"}', 'seq', '1', 'next', '2']],
  ['1-1', ['payload', '', 'seq', '999999999999999', 'next', '1000000000000000']],
  ['1-2', ['payload', 'x', 'seq', '1', 'next', '2', 'pid', 'abc:1']], // the older script's extra field
  ['1-3', ['seq', '1', 'payload', 'x', 'next', '2']],
  ['1-4', ['payload', 'x']],
  ['1-5', ['payload', 'x', 'seq', '-1', 'next', '2']],
  ['1-6', ['payload', 'x', 'seq', '1.5', 'next', '2']],
  ['1-7', ['payload', 'x', 'seq', '1', 'next', '1234567890123456']],
  ['1-8', ['payload', 'x', 'seq', '', 'next', '2']],
  ['1-9', ['other', 'x', 'seq', '1', 'next', '2']],
  ['1-10', ['payload', 'x', 'seq', '1', 'nxt', '2']],
  ['1-11', []],
]

describe('parseEntry', () => {
  it.each(CASES)('%s parses as the schema does', (id, fields) => {
    expect(parseEntry([id, fields])).toEqual(parseEntryWithSchema([id, fields]))
  })

  it('reads the script layout', () => {
    expect(parseEntry(CASES[0]!)).toEqual({id: '1-0', payload: '{"type":"info"}', seq: 1, next: 2})
    expect(parseEntry(CASES[8]!)).toBeUndefined()
  })
})
