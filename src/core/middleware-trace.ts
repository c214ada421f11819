import {performance} from 'node:perf_hooks'
import type {InferenceFn} from './engine.js'
import type {Event} from './events.js'
import {composeMiddlewares, type Middleware} from './middleware.js'
import type {BlockChange, MiddlewareCall, TurnDiff} from './middleware-trace-schema.js'
import {redactString} from './redact.js'
import {ScopedValue} from './scoped-value.js'
import {publish, withRunContext, type EventSink} from './run-context.js'
import {blockText, type Block, type Turn} from './turn.js'

/** A middleware and the name its trace entries carry (the contribution's name, `system_prompt`…). */
export interface NamedMiddleware {
  readonly name: string
  readonly middleware: Middleware
  /** false for jiminy's own plumbing (announce-prompt): composed, never traced nor credited with a revision. */
  readonly traced?: boolean
}

/** Longest text a trace shows of a block. */
export const PREVIEW_CHARS = 160

interface RunTrace {
  readonly t0: number
  readonly calls: MiddlewareCall[]
  round: number
  /** What the engine streamed in this round: the `final` of each message that had text. */
  finals: Extract<Event, {type: 'final'}>[]
  engineIn: Turn | undefined
  engineOut: Turn | undefined
}

interface CallState {
  sentDown: Turn | undefined
  cameUp: Turn | undefined
  innerMs: number
}

export interface TracedChain {
  /** The engine inside its middlewares, each call timed and diffed; one inference (a tool-loop round). */
  readonly inference: InferenceFn
  /** Wraps the whole run (the tool loop): collects the calls and publishes `middleware-trace` at its end. */
  around(run: InferenceFn): InferenceFn
}

/**
 * Composes `middlewares` around `engine` (`[a, b, c]`: a outermost) so that every call is recorded:
 * its duration, its own time, and what it changed in the turn going down and coming back. When the
 * chain returns an answer whose text differs from what the engine streamed, it publishes
 * `answer-revised` naming the middlewares that changed it, so the stream shows what the snapshot holds.
 */
export function traceMiddlewares(engine: InferenceFn, middlewares: readonly NamedMiddleware[]): TracedChain {
  const runs = new ScopedValue<RunTrace>()
  const wrapped = middlewares.map((m, depth) => (m.traced === false ? m.middleware : traced(m.name, depth, m.middleware, runs)))
  const chain = composeMiddlewares(captureEngine(engine, runs), wrapped)

  const inference: InferenceFn = async (turn, ctx) => {
    const run = runs.getStore()
    if (!run) return chain(turn, ctx)
    run.round++
    run.finals = []
    run.engineIn = undefined
    run.engineOut = undefined
    const out = await chain(turn, ctx)
    publishRevisions(run, out)
    return out
  }
  const around =
    (run: InferenceFn): InferenceFn =>
    (turn, ctx) => {
      const trace: RunTrace = {t0: performance.now(), calls: [], round: 0, finals: [], engineIn: undefined, engineOut: undefined}
      return runs.run(trace, async () => {
        try {
          return await run(turn, ctx)
        } finally {
          if (trace.calls.length > 0) publish({type: 'middleware-trace', calls: trace.calls})
        }
      })
    }
  return {inference, around}
}

function traced(name: string, depth: number, middleware: Middleware, runs: ScopedValue<RunTrace>): Middleware {
  const current = new ScopedValue<CallState>()
  return (next) => {
    const below: InferenceFn = async (turn, ctx) => {
      const state = current.getStore()
      if (!state) return next(turn, ctx)
      state.sentDown = turn
      const t0 = performance.now()
      try {
        const out = await next(turn, ctx)
        state.cameUp = out
        return out
      } finally {
        state.innerMs += performance.now() - t0
      }
    }
    const fn = middleware(below)
    return async (turn, ctx) => {
      const run = runs.getStore()
      if (!run) return fn(turn, ctx)
      const state: CallState = {sentDown: undefined, cameUp: undefined, innerMs: 0}
      const t0 = performance.now()
      // Entered in call order (outermost first); filled in when the call returns.
      const call: MiddlewareCall = {
        name,
        depth,
        round: run.round,
        start_ms: ms(t0 - run.t0),
        duration_ms: 0,
        self_ms: 0,
        request: NO_CHANGE,
        response: NO_CHANGE,
      }
      run.calls.push(call)
      let out: Turn | undefined
      try {
        out = await current.run(state, () => fn(turn, ctx))
        return out
      } catch (error) {
        call.error = redactString(error instanceof Error ? error.message : String(error))
        throw error
      } finally {
        const total = performance.now() - t0
        call.duration_ms = ms(total)
        call.self_ms = ms(Math.max(0, total - state.innerMs))
        call.request = diffTurns(turn, state.sentDown ?? turn)
        call.response = state.cameUp !== undefined && out !== undefined ? diffTurns(state.cameUp, out, true) : NO_CHANGE
      }
    }
  }
}

/** Innermost: notes what the engine got and returned, and the `final` events it streamed. */
function captureEngine(engine: InferenceFn, runs: ScopedValue<RunTrace>): InferenceFn {
  return async (turn, ctx) => {
    const run = runs.getStore()
    if (!run) return engine(turn, ctx)
    run.engineIn = turn
    const finals: EventSink = {
      publish: (event) => {
        if (event.type === 'final' && event.text !== '') run.finals.push(event)
      },
    }
    const withFinals = {...ctx, sinks: [...ctx.sinks, finals]}
    const out = await withRunContext(withFinals, () => engine(turn, withFinals))
    run.engineOut = out
    return out
  }
}

/**
 * The engine's new answer blocks, in order, are the messages it streamed (one `final` each); the
 * chain's answer is matched to them by block id, or by position when a middleware replaced a block.
 */
function publishRevisions(run: RunTrace, out: Turn): void {
  if (!run.engineIn || !run.engineOut || run.finals.length === 0) return
  const streamed = newTextBlocks(run.engineIn, run.engineOut)
  const returned = newTextBlocks(run.engineIn, out)
  const returnedById = new Map(returned.map((b) => [b.id, b]))
  const roundCalls = run.calls.filter((c) => c.round === run.round)
  streamed.forEach((block, i) => {
    const final = run.finals[i]
    if (!final || final.text !== blockText(block)) return
    const now = returnedById.get(block.id) ?? (returned.length === streamed.length ? returned[i] : undefined)
    const text = now ? blockText(now) : ''
    if (text === final.text) return
    const touched = (c: MiddlewareCall) =>
      [...c.response.changed, ...c.response.removed, ...c.response.added].some((b) => b.kind === 'llm_text')
    const by = roundCalls.filter(touched).map((c) => c.name)
    const m = final.meta
    publish(
      {type: 'answer-revised', text, by: by.length > 0 ? by : roundCalls.map((c) => c.name)},
      {
        ...(m.message_id !== undefined ? {message_id: m.message_id} : {}),
        ...(m.model !== undefined ? {model: m.model} : {}),
        ...(m.usage !== undefined ? {usage: m.usage} : {}),
        ...(m.stop_reason !== undefined ? {stop_reason: m.stop_reason} : {}),
        ...(m.duration_ms !== undefined ? {duration_ms: m.duration_ms} : {}),
      },
    )
  })
}

function newTextBlocks(before: Turn, after: Turn): Block[] {
  const known = new Set(before.blocks.map((b) => b.id))
  return after.blocks.filter((b) => b.kind === 'llm_text' && !known.has(b.id))
}

const NO_CHANGE: TurnDiff = Object.freeze({added: [], removed: [], changed: [], reordered: false})

/**
 * Blocks added, removed and changed (by id) from `before` to `after`, with redacted previews of the
 * text that flows on. What a block held before is shown only with `showBefore` (the response side:
 * text the engine already streamed): on the way down, a middleware that scrubs the prompt must not
 * have its work undone by the trace, so a changed or removed block there shows no old text.
 */
export function diffTurns(before: Turn, after: Turn, showBefore = false): TurnDiff {
  if (before === after || before.blocks === after.blocks) return NO_CHANGE
  const old = new Map(before.blocks.map((b) => [b.id, b]))
  const now = new Map(after.blocks.map((b) => [b.id, b]))
  const added: BlockChange[] = []
  const changed: BlockChange[] = []
  for (const block of after.blocks) {
    const was = old.get(block.id)
    if (!was) added.push(change(block))
    else if (was !== block && !sameBlock(was, block)) changed.push(showBefore ? {...change(block), before: preview(was)} : change(block))
  }
  const removed = before.blocks.filter((b) => !now.has(b.id)).map((b) => (showBefore ? change(b) : change(b, false)))
  const kept = before.blocks.filter((b) => now.has(b.id)).map((b) => b.id)
  const keptAfter = after.blocks.filter((b) => old.has(b.id)).map((b) => b.id)
  const reordered = kept.some((id, i) => keptAfter[i] !== id)
  if (added.length === 0 && removed.length === 0 && changed.length === 0 && !reordered) return NO_CHANGE
  return {added, removed, changed, reordered}
}

function change(block: Block, withText = true): BlockChange {
  const text = withText ? preview(block) : ''
  return {id: block.id, kind: block.kind, ...(block.role !== undefined ? {role: block.role} : {}), ...(text !== '' ? {text} : {})}
}

function preview(block: Block): string {
  const text = blockText(block) || (block.kind === 'tool_call' || block.kind === 'tool_use' ? JSON.stringify(block.payload) : '')
  const clean = redactString(text)
  return clean.length > PREVIEW_CHARS ? `${clean.slice(0, PREVIEW_CHARS - 1)}…` : clean
}

function sameBlock(a: Block, b: Block): boolean {
  return (
    a.kind === b.kind &&
    a.role === b.role &&
    JSON.stringify(a.payload) === JSON.stringify(b.payload) &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata)
  )
}

const ms = (value: number): number => Math.round(value * 1000) / 1000
