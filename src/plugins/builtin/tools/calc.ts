import {z} from 'zod'
import {defineTool} from '../../../core/index.js'

/**
 * Arithmetic without eval: + - * / % ^ (power, right-associative), parentheses, unary minus.
 * Grammar: expr = term (('+'|'-') term)*; term = power (('*'|'/'|'%') power)*;
 * power = unary ('^' power)?; unary = '-' unary | atom; atom = number | '(' expr ')'.
 */
export function evaluateArithmetic(source: string): number {
  const tokens = source.match(/\d+(?:\.\d+)?|\.\d+|[-+*/%^()]|\S/g) ?? []
  let pos = 0
  const peek = () => tokens[pos]
  const take = () => tokens[pos++]
  const fail = (why: string): never => {
    throw new Error(`cannot evaluate ${JSON.stringify(source)}: ${why}`)
  }
  const atom = (): number => {
    const t = take()
    if (t === undefined) return fail('unexpected end of expression')
    if (t === '(') {
      const v = expr()
      if (take() !== ')') fail('missing )')
      return v
    }
    if (/^(\d|\.)/.test(t)) return Number(t)
    return fail(`unexpected ${JSON.stringify(t)}`)
  }
  const unary = (): number => (peek() === '-' ? (take(), -unary()) : peek() === '+' ? (take(), unary()) : atom())
  const power = (): number => {
    const base = unary()
    if (peek() !== '^') return base
    take()
    return base ** power()
  }
  const term = (): number => {
    let v = power()
    for (let op = peek(); op === '*' || op === '/' || op === '%'; op = peek()) {
      take()
      const rhs = power()
      if ((op === '/' || op === '%') && rhs === 0) fail('division by zero')
      v = op === '*' ? v * rhs : op === '/' ? v / rhs : v % rhs
    }
    return v
  }
  const expr = (): number => {
    let v = term()
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      take()
      v = op === '+' ? v + term() : v - term()
    }
    return v
  }
  if (tokens.length === 0) fail('empty expression')
  const value = expr()
  if (pos < tokens.length) fail(`unexpected ${JSON.stringify(tokens[pos])}`)
  if (!Number.isFinite(value)) fail('result is not a finite number')
  return value
}

export const calcTool = defineTool({
  name: 'calc',
  description: 'Evaluate an arithmetic expression with + - * / % ^ and parentheses.',
  args: z.object({expression: z.string().min(1).max(500).describe('the expression, e.g. "2 + 3 * 4"')}),
  run: ({expression}) => ({expression, value: evaluateArithmetic(expression)}),
})
