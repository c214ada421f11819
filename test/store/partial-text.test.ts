import {describe, expect, it} from 'vitest'
import {partialTextOf} from '../../src/store/partial-text.js'
import {deltaFrame} from './contract.js'

describe('partialTextOf', () => {
  it('takes the cumulative of the first (newest) delta of that inference', () => {
    const newestFirst = [deltaFrame(3, 'inf_b', 'other run'), deltaFrame(2, 'inf_a', 'Hello wor'), deltaFrame(1, 'inf_a', 'Hel')]
    expect(
      partialTextOf(
        newestFirst.map((f) => f.json),
        'inf_a',
      ),
    ).toBe('Hello wor')
  })

  it('skips bad JSON and frames of another shape, and says undefined when nothing matches', () => {
    const frames = [
      '{not json',
      JSON.stringify({sem: true, event: {type: 'llm.delta', inference_id: 'inf_a'}}),
      deltaFrame(1, 'inf_b', 'x').json,
    ]
    expect(partialTextOf(frames, 'inf_a')).toBeUndefined()
    expect(partialTextOf([...frames, deltaFrame(0, 'inf_a', 'kept').json], 'inf_a')).toBe('kept')
  })
})
