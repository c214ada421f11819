import {describe, expect, it} from 'vitest'
import {builtinCatalog, evaluateArithmetic} from '../../../src/plugins/index.js'

describe('calc', () => {
  it.each([
    ['2+3', 5],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['-2 ^ 2', 4],
    ['2 ^ 3 ^ 2', 512],
    ['10 % 4', 2],
    ['1.5 * 2', 3],
  ])('%s = %d', (expr, value) => {
    expect(evaluateArithmetic(expr)).toBe(value)
  })

  it.each(['', '2 +', '1 / 0', 'process.exit()', '(1', '2 3'])('rejects %j with a message naming it', (expr) => {
    expect(() => evaluateArithmetic(expr)).toThrow(/cannot evaluate/)
  })

  it('declares a JSON schema for its arguments', () => {
    const calc = builtinCatalog().tool('calc')!.item
    expect(calc.parameters).toMatchObject({type: 'object', properties: {expression: {type: 'string'}}, required: ['expression']})
  })
})

describe('clock', () => {
  it('answers in the asked zone and refuses unknown zones', async () => {
    const clock = builtinCatalog().tool('clock')!.item
    const signal = new AbortController().signal
    const ok = await clock.run({timezone: 'Europe/Paris'}, {signal, callId: 'c'})
    expect(ok).toMatchObject({timezone: 'Europe/Paris', iso: expect.stringMatching(/^\d{4}-/)})
    await expect(clock.run({timezone: 'Mars/Base'}, {signal, callId: 'c'})).rejects.toThrow(/unknown time zone/)
  })
})
