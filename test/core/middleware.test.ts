import {describe, expect, it} from 'vitest'
import {
  SYSTEM_PROMPT_MARK,
  announcePromptMiddleware,
  appendBlocks,
  assistantTextBlock,
  composeMiddlewares,
  newTurn,
  reorderToolResults,
  systemPromptMiddleware,
  toolCallBlock,
  toolUseBlock,
  userBlock,
  type InferenceFn,
  type Middleware,
  type Turn,
} from '../../src/core/index.js'
import {inRun} from './helpers.js'

describe('middleware composition', () => {
  it('makes the first listed middleware the outermost', async () => {
    const log: string[] = []
    const tag =
      (name: string): Middleware =>
      (next) =>
      async (turn, ctx) => {
        log.push(`${name}>`)
        const out = await next(turn, ctx)
        log.push(`<${name}`)
        return out
      }
    const inner: InferenceFn = async (turn) => {
      log.push('engine')
      return turn
    }
    const fn = composeMiddlewares(inner, [tag('a'), tag('b'), tag('c')])
    await inRun((ctx) => fn(newTurn(), ctx))
    expect(log).toEqual(['a>', 'b>', 'c>', 'engine', '<c', '<b', '<a'])
  })
})

describe('system-prompt middleware', () => {
  const echo: InferenceFn = async (turn) => appendBlocks(turn, assistantTextBlock('ok'))

  it('is idempotent on a growing snapshot: ten runs leave exactly one system block', async () => {
    const fn = composeMiddlewares(echo, [systemPromptMiddleware('be brief')])
    let snapshot: Turn = newTurn()
    for (let i = 0; i < 10; i++) {
      snapshot = (await inRun((ctx) => fn(appendBlocks(snapshot, userBlock(`q${i}`)), ctx))).result
    }
    const systems = snapshot.blocks.filter((b) => b.kind === 'system')
    expect(systems).toHaveLength(1)
    expect(systems[0]!.metadata[SYSTEM_PROMPT_MARK]).toBe(true)
    expect(snapshot.blocks[0]!.kind).toBe('system')
    expect(snapshot.blocks.filter((b) => b.kind === 'user')).toHaveLength(10)
  })

  it('updates its own block when the prompt changes and leaves foreign system blocks alone', async () => {
    const first = (await inRun((ctx) => composeMiddlewares(echo, [systemPromptMiddleware('one')])(newTurn([userBlock('q')]), ctx))).result
    const second = (await inRun((ctx) => composeMiddlewares(echo, [systemPromptMiddleware('two')])(first, ctx))).result
    const systems = second.blocks.filter((b) => b.kind === 'system')
    expect(systems.map((b) => b.payload.text)).toEqual(['two'])
  })
})

describe('tool-result-reorder middleware', () => {
  it('moves each result right after its call group', () => {
    const c1 = toolCallBlock({id: 'c1', name: 'calc', args: {}})
    const c2 = toolCallBlock({id: 'c2', name: 'clock', args: {}})
    const r1 = toolUseBlock({id: 'c1', result: 1})
    const r2 = toolUseBlock({id: 'c2', result: 2})
    const u = userBlock('later')
    const turn = newTurn([userBlock('q'), c1, c2, u, r2, r1])
    const out = reorderToolResults(turn)
    expect(out.blocks.map((b) => b.id)).toEqual([turn.blocks[0]!.id, c1.id, c2.id, r1.id, r2.id, u.id])
  })

  it('leaves an ordered turn untouched (same object)', () => {
    const turn = newTurn([userBlock('q'), toolCallBlock({id: 'c1', name: 'calc', args: {}}), toolUseBlock({id: 'c1', result: 1})])
    expect(reorderToolResults(turn)).toBe(turn)
  })
})

describe('announce-prompt middleware', () => {
  it('publishes the prompt the engine sees on the first inference only, with secret-shaped values removed', async () => {
    const fn = composeMiddlewares(async (turn) => appendBlocks(turn, assistantTextBlock('ok')), [announcePromptMiddleware()])
    const {events} = await inRun(async (ctx) => {
      const first = await fn(newTurn([userBlock('key sk-abcdefghijklmnopqrstuvwxyz0123')]), ctx)
      // A tool-loop round: the turn no longer ends with the prompt.
      return fn(appendBlocks(first, toolCallBlock({id: 'c1', name: 'calc', args: {}}), toolUseBlock({id: 'c1', result: 1})), ctx)
    })
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({type: 'user-prompt', text: 'key [redacted]'})
  })
})
