import type {BlockChange, MiddlewareCall, RunTimeline, TurnDiff} from '../core/index.js'
import {PLAIN, type TerminalStyle} from './terminal-renderer.js'

const ms = (n: number | undefined): string => {
  const v = typeof n === 'number' && Number.isFinite(n) ? n : 0
  return v < 1 ? `${v.toFixed(2)} ms` : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`
}

function diffLines(side: string, diff: TurnDiff, indent: string): string[] {
  const out: string[] = []
  const line = (mark: string, b: BlockChange) =>
    out.push(
      `${indent}${side} ${mark} ${b.kind} ${b.id}${b.text !== undefined ? ` ${JSON.stringify(b.text)}` : ''}${b.before !== undefined ? ` (was ${JSON.stringify(b.before)})` : ''}`,
    )
  for (const b of diff.added) line('+', b)
  for (const b of diff.removed) line('-', b)
  for (const b of diff.changed) line('~', b)
  if (diff.reordered) out.push(`${indent}${side} ↕ blocks reordered`)
  return out
}

/**
 * A run's middleware trace as a tree: one branch per round (inference), each call nested in the
 * one that called it, with its total and own time and what it changed on each side.
 */
export function formatMiddlewareTrace(calls: readonly MiddlewareCall[], style: TerminalStyle = PLAIN): string {
  if (calls.length === 0) return 'middleware trace: no traced middleware'
  const lines = ['middleware trace']
  const rounds = [...new Set(calls.map((c) => c.round))]
  rounds.forEach((round, r) => {
    const lastRound = r === rounds.length - 1
    lines.push(`${lastRound ? '└─' : '├─'} round ${round}`)
    const inRound = calls.filter((c) => c.round === round)
    inRound.forEach((call) => {
      const pad = `${lastRound ? '   ' : '│  '}${'   '.repeat(call.depth)}`
      const changes = [...diffLines('request', call.request, `${pad}   `), ...diffLines('response', call.response, `${pad}   `)]
      const head = `${pad}└─ ${style.bold(call.name)} ${ms(call.duration_ms)} (self ${ms(call.self_ms)})${changes.length === 0 ? style.dim(' · no change') : ''}${call.error !== undefined ? style.red(` error: ${call.error}`) : ''}`
      lines.push(head, ...changes.map((l) => style.dim(l)))
    })
  })
  return lines.join('\n')
}

/** A run's timeline: each inference (time to first token, tokens/s), tool call and pause, by start. */
export function formatTimeline(timeline: RunTimeline, style: TerminalStyle = PLAIN): string {
  const rows: {start: number; text: string}[] = []
  for (const i of timeline.inferences) {
    const parts = [
      i.first_token_ms !== undefined ? `first token ${ms(i.first_token_ms)}` : undefined,
      ms(i.duration_ms),
      i.tokens_per_s !== undefined ? `${i.tokens_per_s} tok/s` : undefined,
    ].filter(Boolean)
    rows.push({start: i.start_ms, text: `inference ${i.model ?? ''}`.trimEnd() + `  ${parts.join(' · ')}`})
  }
  for (const t of timeline.tools) rows.push({start: t.start_ms, text: `tool ${t.name}  ${ms(t.duration_ms)}${t.error ? ' · error' : ''}`})
  for (const p of timeline.pauses)
    rows.push({
      start: p.start_ms,
      text: `pause ${p.phase}  waited ${ms(p.wait_ms)}${p.action ? ` · ${p.action}` : ''}${p.timed_out ? ' (timed out)' : ''}`,
    })
  rows.sort((a, b) => a.start - b.start)
  return [`timeline  total ${style.bold(ms(timeline.total_ms))}`, ...rows.map((r) => `  +${ms(r.start).padStart(9)}  ${r.text}`)].join('\n')
}

/** One finished run, as `jiminy explain --runs` lists it. */
export interface RunTimelineRow {
  readonly inference_id: string
  readonly status: string
  readonly duration_ms: number
  readonly stop_reason?: string | undefined
  readonly timeline?: RunTimeline | undefined
}

export function formatRunTimelines(convId: string, runs: readonly RunTimelineRow[], style: TerminalStyle = PLAIN): string {
  const lines = [
    `conversation ${convId}  runs ${runs.length}${runs.length === 0 ? " (timelines are kept for the live conversation's runs)" : ''}`,
  ]
  runs.forEach((run, i) => {
    lines.push('', `#${i + 1} ${run.inference_id}  ${run.status}${run.stop_reason ? ` (${run.stop_reason})` : ''}  ${ms(run.duration_ms)}`)
    if (run.timeline)
      lines.push(
        ...formatTimeline(run.timeline, style)
          .split('\n')
          .map((l) => `  ${l}`),
      )
  })
  return lines.join('\n')
}
