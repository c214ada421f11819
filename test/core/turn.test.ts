import {describe, expect, it} from 'vitest'
import {
  appendBlocks,
  assistantTextBlock,
  cloneTurn,
  lastUserText,
  newTurn,
  pendingToolCalls,
  toolCallBlock,
  toolUseBlock,
  userBlock,
} from '../../src/core/index.js'

describe('Turn helpers', () => {
  it('appendBlocks returns a new turn and leaves the input alone', () => {
    const turn = newTurn([userBlock('hi')])
    const next = appendBlocks(turn, assistantTextBlock('hello'))
    expect(turn.blocks).toHaveLength(1)
    expect(next.blocks.map((b) => b.kind)).toEqual(['user', 'llm_text'])
    expect(next.id).toBe(turn.id)
  })

  it('cloneTurn is deep', () => {
    const turn = newTurn([userBlock('hi')])
    const copy = cloneTurn(turn)
    ;(copy.blocks[0]!.payload as {text: string}).text = 'changed'
    expect(turn.blocks[0]!.payload.text).toBe('hi')
  })

  it('pendingToolCalls lists calls without a result, in order', () => {
    const a = {id: 'c1', name: 'calc', args: {expression: '1+1'}}
    const b = {id: 'c2', name: 'clock', args: {}}
    const c = {id: 'c3', name: 'calc', args: {expression: '2'}}
    const turn = newTurn([userBlock('q'), toolCallBlock(a), toolCallBlock(b), toolUseBlock({id: 'c1', result: 2}), toolCallBlock(c)])
    expect(pendingToolCalls(turn).map((t) => t.id)).toEqual(['c2', 'c3'])
    expect(
      pendingToolCalls(appendBlocks(turn, toolUseBlock({id: 'c2', result: null, error: 'x'}), toolUseBlock({id: 'c3', result: 2}))),
    ).toEqual([])
  })

  it('lastUserText finds the latest prompt', () => {
    expect(lastUserText(newTurn([userBlock('one'), assistantTextBlock('a'), userBlock('two')]))).toBe('two')
    expect(lastUserText(newTurn())).toBe('')
  })
})
