// @ts-check
import {el} from './dom.js'

/**
 * What a run's diagnostic frames look like in the page: the middleware trace (`middleware.trace`)
 * as a tree of calls with their durations and turn diffs, and the run timeline (`run.finished`
 * `timeline`) as a small SVG waterfall. Text only (textContent / SVG attributes), nothing parsed.
 */

const SVG = 'http://www.w3.org/2000/svg'

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v))
  if (text !== undefined) node.textContent = text
  return node
}

/** @param {unknown} ms */
export function formatMs(ms) {
  const n = typeof ms === 'number' && Number.isFinite(ms) ? ms : 0
  if (n < 1) return `${n.toFixed(2)} ms`
  if (n < 1000) return `${Math.round(n)} ms`
  return `${(n / 1000).toFixed(2)} s`
}

/** @typedef {import('./frames.js').MiddlewareCall['request']} TraceDiff */
/** @typedef {import('./frames.js').MiddlewareCall} TraceCall */

/**
 * One line per block a side of a call changed: `+ user blk_… "text"`.
 * @param {string} side request | response
 * @param {TraceDiff | undefined} diff
 */
function diffLines(side, diff) {
  if (!diff) return []
  /** @type {HTMLElement[]} */
  const lines = []
  /**
   * @param {string} mark
   * @param {string} cls
   * @param {TraceDiff['added'] | undefined} blocks
   */
  const add = (mark, cls, blocks) => {
    for (const b of blocks ?? []) {
      const text = b.text !== undefined ? ` “${b.text}”` : ''
      const before = b.before !== undefined ? ` (was “${b.before}”)` : ''
      lines.push(
        el(
          'li',
          {class: `trace-diff ${cls}`},
          el('span', {class: 'trace-side', text: side}),
          ` ${mark} ${b.kind ?? '?'} `,
          el('code', {text: String(b.id ?? '')}),
          text + before,
        ),
      )
    }
  }
  add('+', 'added', diff.added)
  add('−', 'removed', diff.removed)
  add('~', 'changed', diff.changed)
  if (diff.reordered)
    lines.push(el('li', {class: 'trace-diff changed'}, el('span', {class: 'trace-side', text: side}), ' ↕ blocks reordered'))
  return lines
}

/**
 * The run's middleware trace: each call (indented by its depth in the chain, grouped by round)
 * with total and own time and what it changed going down (request) and coming back (response).
 * @param {import('./page.js').FrameOf<'middleware.trace'>} event
 */
export function traceView(event) {
  const calls = Array.isArray(event.calls) ? event.calls : []
  const rounds = new Set(calls.map((c) => c.round ?? 1)).size
  // The middlewares' own time, all calls: what the chain added on top of the engine and the tools.
  const total = calls.reduce((sum, c) => sum + (typeof c.self_ms === 'number' ? c.self_ms : 0), 0)
  const list = el('ol', {class: 'trace-calls'})
  for (const call of calls) {
    const changes = diffLines('request', call.request).concat(diffLines('response', call.response))
    list.append(
      el(
        'li',
        {
          class: `trace-call${call.error ? ' error' : ''}`,
          testid: 'trace-call',
          dataset: {depth: String(call.depth ?? 0), name: String(call.name ?? '')},
        },
        el(
          'div',
          {class: 'trace-head'},
          el('span', {class: 'trace-indent', text: '│ '.repeat(Math.max(0, Number(call.depth ?? 0)))}),
          el('span', {class: 'trace-name', text: String(call.name ?? '?')}),
          rounds > 1 ? el('span', {class: 'trace-round', text: ` round ${call.round ?? 1}`}) : null,
          el('span', {
            class: 'trace-time',
            testid: 'trace-duration',
            text: ` ${formatMs(call.duration_ms)} (self ${formatMs(call.self_ms)})`,
          }),
          changes.length === 0 ? el('span', {class: 'trace-nochange', text: ' · no change'}) : null,
          call.error ? el('span', {class: 'badge failed', text: `error: ${call.error}`}) : null,
        ),
        changes.length > 0 ? el('ul', {class: 'trace-diffs'}, changes) : null,
      ),
    )
  }
  const names = [...new Set(calls.map((c) => String(c.name ?? '?')))]
  return el(
    'details',
    {class: 'run-panel trace', testid: 'trace-panel'},
    el(
      'summary',
      {},
      el('span', {class: 'panel-title', text: 'Middleware trace'}),
      el('span', {
        class: 'panel-detail',
        text: ` · ${names.join(', ')} · ${calls.length} call${calls.length === 1 ? '' : 's'}${rounds > 1 ? ` in ${rounds} rounds` : ''} · own time ${formatMs(total)}`,
      }),
    ),
    list,
  )
}

/**
 * The run's timeline as a waterfall: one bar per inference (time to first token dimmed, tokens/s),
 * tool call and step pause, on one time axis; the totals as text beside it.
 * @param {import('./frames.js').RunTimeline} timeline
 */
export function timelineView(timeline) {
  /** @type {{label: string, detail: string, start: number, length: number, lead: number, kind: string}[]} */
  const rows = []
  for (const inf of timeline.inferences ?? []) {
    const tps = typeof inf.tokens_per_s === 'number' ? ` · ${inf.tokens_per_s} tok/s` : ''
    const ttft = typeof inf.first_token_ms === 'number' ? `first token ${formatMs(inf.first_token_ms)} · ` : ''
    rows.push({
      label: `inference${inf.model ? ` ${inf.model}` : ''}`,
      detail: `${ttft}${formatMs(inf.duration_ms)}${tps}`,
      start: num(inf.start_ms),
      length: num(inf.duration_ms),
      lead: num(inf.first_token_ms),
      kind: 'inference',
    })
  }
  for (const tool of timeline.tools ?? [])
    rows.push({
      label: `tool ${tool.name ?? ''}`,
      detail: `${formatMs(tool.duration_ms)}${tool.error ? ' · error' : ''}`,
      start: num(tool.start_ms),
      length: num(tool.duration_ms),
      lead: 0,
      kind: tool.error ? 'tool error' : 'tool',
    })
  for (const pause of timeline.pauses ?? [])
    rows.push({
      label: `pause ${pause.phase ?? ''}`,
      detail: `waited ${formatMs(pause.wait_ms)}${pause.action ? ` · ${pause.action}` : ''}${pause.timed_out ? ' (timed out)' : ''}`,
      start: num(pause.start_ms),
      length: num(pause.wait_ms),
      lead: 0,
      kind: 'pause',
    })
  rows.sort((a, b) => a.start - b.start)

  const total = Math.max(num(timeline.total_ms), ...rows.map((r) => r.start + r.length), 1)
  const rowH = 22
  const labelW = 150
  const barW = 420
  const detailW = 300
  const width = labelW + barW + detailW
  const height = rows.length * rowH + 24
  const scale = (/** @type {number} */ ms) => (ms / total) * barW
  const chart = svg('svg', {
    class: 'waterfall',
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': `Run timeline, ${formatMs(total)}`,
  })
  chart.dataset.testid = 'timeline-chart'
  rows.forEach((row, i) => {
    const y = i * rowH
    chart.append(svg('text', {x: 0, y: y + 15, class: 'wf-label'}, row.label))
    chart.append(svg('rect', {x: labelW, y: y + 4, width: barW, height: rowH - 8, class: 'wf-track', rx: 2}))
    const x = labelW + scale(row.start)
    const w = Math.max(2, scale(row.length))
    chart.append(svg('rect', {x, y: y + 4, width: w, height: rowH - 8, class: `wf-bar ${row.kind}`, rx: 2}))
    if (row.lead > 0)
      chart.append(svg('rect', {x, y: y + 4, width: Math.min(w, Math.max(1, scale(row.lead))), height: rowH - 8, class: 'wf-lead', rx: 2}))
    chart.append(svg('text', {x: labelW + barW + 8, y: y + 15, class: 'wf-detail'}, row.detail))
  })
  const axisY = rows.length * rowH + 16
  chart.append(svg('text', {x: labelW, y: axisY, class: 'wf-axis'}, '0'))
  chart.append(svg('text', {x: labelW + barW, y: axisY, class: 'wf-axis', 'text-anchor': 'end'}, formatMs(total)))

  const inferences = timeline.inferences ?? []
  const first = inferences[0]?.first_token_ms
  const summary = [
    `total ${formatMs(total)}`,
    typeof first === 'number' ? `first token ${formatMs(first)}` : '',
    `${inferences.length} inference${inferences.length === 1 ? '' : 's'}`,
    (timeline.tools ?? []).length ? `${(timeline.tools ?? []).length} tool call${(timeline.tools ?? []).length === 1 ? '' : 's'}` : '',
    (timeline.pauses ?? []).length ? `${(timeline.pauses ?? []).length} pause${(timeline.pauses ?? []).length === 1 ? '' : 's'}` : '',
  ].filter(Boolean)
  return el(
    'details',
    {class: 'run-panel timeline', testid: 'timeline-panel'},
    el(
      'summary',
      {},
      el('span', {class: 'panel-title', text: 'Timeline'}),
      el('span', {class: 'panel-detail', text: ` · ${summary.join(' · ')}`}),
    ),
    el('div', {class: 'waterfall-scroll'}, chart),
  )
}

/** @param {unknown} v */
const num = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)

/** @param {readonly string[] | undefined} slugs */
const listed = (slugs) => (slugs ?? []).join(', ')

/**
 * What a banner says for a notice: a failed reload (file:line and message), a recovery, or what a
 * reload changed in the profile list.
 * @param {import('./page.js').ServerNotice} event
 * @returns {{title: string, detail: string, group: 'reload' | 'profiles'}}
 */
function bannerText(event) {
  switch (event.kind) {
    case 'reload-failed': {
      const where = event.file ? `${event.file}${typeof event.line === 'number' ? `:${event.line}` : ''}` : ''
      return {
        group: 'reload',
        title: 'Config reload failed',
        detail: `${where ? `${where}: ` : ''}${event.message} — the server keeps the last good config and plugins`,
      }
    }
    case 'recovered':
      return {group: 'reload', title: 'Config reloaded', detail: `recovered${event.files?.length ? `: ${event.files.join(', ')}` : ''}`}
    case 'profiles-changed': {
      const parts = [
        event.added?.length ? `added ${listed(event.added)}` : '',
        event.removed?.length ? `removed ${listed(event.removed)}` : '',
        event.changed?.length ? `changed ${listed(event.changed)}` : '',
      ].filter(Boolean)
      return {group: 'profiles', title: 'Profiles updated', detail: parts.join('; ') || event.message}
    }
    default: {
      /** @type {never} */
      const kind = event.kind
      return {group: 'reload', title: 'Server', detail: `${String(kind)}: ${/** @type {{message?: string}} */ (event).message ?? ''}`}
    }
  }
}

/**
 * The page-wide banners for `server.notice`, one per group: a failed reload stays until a
 * `recovered` notice replaces it (which then fades after a while) or the user dismisses it; what a
 * reload changed in the profile list has its own banner (`profiles-banner`), which fades too.
 * @param {HTMLElement} slot
 * @param {import('./page.js').ServerNotice} event
 */
export function showServerNotice(slot, event) {
  const failed = event.level === 'error'
  const {title, detail, group} = bannerText(event)
  const testid = group === 'profiles' ? 'profiles-banner' : 'server-banner'
  const close = el('button', {type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', text: '×'})
  const banner = el(
    'div',
    {class: `banner ${failed ? 'error' : 'ok'}`, testid, role: failed ? 'alert' : 'status', dataset: {kind: event.kind, group}},
    el('strong', {class: 'banner-title', text: title}),
    el('span', {class: 'banner-detail', testid: `${testid}-detail`, text: ` ${detail}`}),
    close,
  )
  close.addEventListener('click', () => banner.remove())
  const previous = [...slot.children].find((child) => child instanceof HTMLElement && child.dataset.group === group)
  if (previous) previous.replaceWith(banner)
  else slot.append(banner)
  if (!failed) setTimeout(() => banner.isConnected && banner.remove(), 8000)
}
