// @ts-check
import {copyButton} from './clipboard.js'
import {diffView} from './diff-view.js'
import {el, jsonPreview, prettyJson} from './dom.js'
import {MarkdownView} from './markdown.js'

/** @typedef {import('./page.js').LlmFrame} LlmEvent */
/** @typedef {import('./page.js').ThinkingFrame} ThinkingEvent */
/** @typedef {import('./page.js').ToolFrame} ToolEvent */
/** @typedef {import('./page.js').StepFrame} StepEvent */
/** @typedef {import('./page.js').ToolOutcome} ToolOutcome */
/**
 * @template E
 * @typedef {{root: HTMLElement, apply(event: E): void}} View
 */
/** @typedef {View<LlmEvent> & {thinkingSlot: HTMLElement, interrupt(): void, fail(): void}} AssistantView */
/** @typedef {View<ThinkingEvent> & {finish(): void}} ThinkingView */

/**
 * Views: one small object per kind of transcript item, `{root, apply(event)}`. A view is created
 * by the first frame of its message/tool call/pause and updated in place by later ones (upsert).
 * Server text goes in through textContent; an assistant answer is markdown, rendered by
 * markdown.js (sanitized) — the only HTML the page ever parses.
 */

/** @param {string} text */
export function userMessageView(text) {
  return el(
    'div',
    {class: 'msg user', testid: 'user-message'},
    el('div', {class: 'msg-role', text: 'You'}),
    el('div', {class: 'msg-text', text}),
  )
}

/**
 * An assistant message: its markdown text (re-rendered at most once a frame while it streams), the
 * thinking slot, a copy button for the whole message (its markdown source) and the meta line.
 * @param {string} id
 * @returns {AssistantView}
 */
export function assistantView(id) {
  const model = el('span', {class: 'msg-model'})
  const thinkingSlot = el('div', {class: 'thinking-slot'})
  const typing = el('span', {class: 'typing', 'aria-label': 'generating'}, el('i'), el('i'), el('i'))
  const text = el('div', {class: 'msg-text markdown', testid: 'assistant-text'})
  const markdown = new MarkdownView(text)
  const meta = el('span', {class: 'msg-meta', testid: 'assistant-meta'})
  const notes = el('span', {class: 'msg-notes'})
  const copy = copyButton(() => markdown.text, {label: 'Copy', title: 'Copy message (markdown)', testid: 'copy-message'})
  // Debugging: every frame this message got, as the server sent it (text only, drawn when opened).
  /** @type {string[]} */
  const frames = []
  const rawText = el('pre', {class: 'raw-frames-text', testid: 'raw-frames-text'})
  const raw = el('details', {class: 'raw-frames', testid: 'raw-frames'}, el('summary', {text: 'Raw frames'}), rawText)
  const drawRaw = () => {
    if (raw.open) rawText.textContent = frames.join('\n')
  }
  raw.addEventListener('toggle', drawRaw)
  const root = el(
    'div',
    {class: 'msg assistant streaming', testid: 'assistant-message', dataset: {messageId: id}, 'aria-busy': 'true'},
    el('div', {class: 'msg-role'}, 'Assistant', model),
    thinkingSlot,
    text,
    typing,
    el('div', {class: 'msg-footer'}, meta, notes, copy),
    raw,
  )
  /** @param {string} [note] */
  const finish = (note) => {
    root.classList.remove('streaming')
    root.setAttribute('aria-busy', 'false')
    typing.remove()
    markdown.flush()
    if (note) notes.append(el('span', {class: `badge ${note}`, text: note}))
  }
  return {
    root,
    thinkingSlot,
    apply(event) {
      frames.push(JSON.stringify(event))
      drawRaw()
      switch (event.type) {
        case 'llm.start': {
          const name = event.model ?? event.metadata?.model
          if (name) model.textContent = ` · ${name}`
          break
        }
        case 'llm.delta':
          markdown.update(typeof event.cumulative === 'string' ? event.cumulative : markdown.text + (event.delta ?? ''))
          break
        case 'llm.final': {
          if (typeof event.text === 'string') markdown.show(event.text)
          const by = event.revised?.by
          if (event.revised) {
            const names = Array.isArray(by) ? by.join(', ') : typeof by === 'string' ? by : 'a middleware'
            root.classList.add('revised')
            notes.replaceChildren(el('span', {class: 'badge revised', testid: 'revised-badge', text: `revised by ${names}`}))
          }
          /** @type {string[]} */
          const parts = []
          const stopReason = event.stop_reason ?? event.metadata?.stop_reason
          if (stopReason) parts.push(stopReason === 'tool_calls' ? 'calling tools' : stopReason)
          const usage = event.usage ?? event.metadata?.usage ?? {}
          if (usage.input_tokens !== undefined || usage.output_tokens !== undefined)
            parts.push(`${usage.input_tokens ?? '?'} in / ${usage.output_tokens ?? '?'} out tokens`)
          const duration = event.duration_ms ?? event.metadata?.duration_ms
          if (typeof duration === 'number') parts.push(duration < 1000 ? `${Math.round(duration)} ms` : `${(duration / 1000).toFixed(1)} s`)
          meta.textContent = parts.join(' · ')
          finish()
          break
        }
        default:
          break
      }
      root.classList.toggle('empty', markdown.text === '')
    },
    interrupt: () => finish('interrupted'),
    fail: () => finish('failed'),
  }
}

/**
 * Thinking, as plain text (dimmed, collapsed).
 * @param {string} id
 * @returns {ThinkingView}
 */
export function thinkingView(id) {
  const body = el('div', {class: 'thinking-text'})
  const label = el('span', {text: 'Thinking…'})
  const root = el('details', {class: 'thinking streaming', testid: 'thinking', dataset: {thinkingId: id}}, el('summary', {}, label), body)
  /** Thinking is over once the answer itself streams, with or without a thinking.final frame. */
  const finish = () => {
    label.textContent = 'Thought'
    root.classList.remove('streaming')
  }
  return {
    root,
    apply(event) {
      if (event.type === 'llm.thinking.delta')
        body.textContent = typeof event.cumulative === 'string' ? event.cumulative : body.textContent + (event.delta ?? '')
      if (event.type === 'llm.thinking.final') {
        if (typeof event.text === 'string' && event.text) body.textContent = event.text
        finish()
      }
    },
    finish,
  }
}

const TOOL_STATUS_LABEL = /** @type {Record<string, string>} */ ({
  proposed: 'proposed',
  executing: 'running',
  done: 'done',
  error: 'error',
  skipped: 'skipped',
  denied: 'denied',
})

/**
 * A tool call: `<details>` with name, one-line input and status; input and result inside.
 * @param {string} id
 * @returns {View<ToolEvent> & {settle(outcome: ToolOutcome): void}}
 */
export function toolView(id) {
  const name = el('span', {class: 'tool-name', testid: 'tool-name'})
  const preview = el('code', {class: 'tool-preview'})
  const badge = el('span', {class: 'badge', testid: 'tool-status'})
  const input = el('pre', {class: 'json', testid: 'tool-input'})
  const result = el('pre', {class: 'json', testid: 'tool-result'})
  const resultSection = el('div', {class: 'tool-section', hidden: true}, el('div', {class: 'tool-label', text: 'Result'}), result)
  const root = el(
    'details',
    {class: 'tool', testid: 'tool-call', dataset: {toolId: id}},
    el('summary', {}, el('span', {class: 'tool-icon', 'aria-hidden': 'true', text: '⚙'}), name, preview, badge),
    el('div', {class: 'tool-section'}, el('div', {class: 'tool-label', text: 'Input'}), input),
    resultSection,
  )
  let status = 'proposed'
  let failed = false
  /** @param {string} next */
  const setStatus = (next) => {
    status = next
    root.dataset.status = next
    badge.className = `badge ${next}`
    badge.textContent = TOOL_STATUS_LABEL[next] ?? next
  }
  setStatus(status)
  return {
    root,
    apply(event) {
      switch (event.type) {
        case 'tool.start':
          name.textContent = event.name ?? 'tool'
          input.textContent = prettyJson(event.input ?? {})
          preview.textContent = jsonPreview(event.input ?? {}, 60)
          break
        case 'tool.delta': {
          const patch = event.patch ?? {}
          if (typeof patch.status === 'string' && !failed) setStatus(patch.status)
          break
        }
        case 'tool.result':
          resultSection.hidden = false
          if (event.error !== undefined && event.error !== null) {
            failed = true
            root.classList.add('failed')
            result.textContent = `${String(event.error)}${event.result !== null && event.result !== undefined ? `\n${prettyJson(event.result)}` : ''}`
            setStatus('error')
          } else {
            result.textContent = prettyJson(event.result)
          }
          break
        case 'tool.done':
          if (!failed) setStatus('done')
          break
        default:
          break
      }
      if (!name.textContent) name.textContent = 'tool'
    },
    settle(outcome) {
      // A step decision answered the call without running it: it stays this way (no result follows).
      failed = true
      setStatus(outcome)
    },
  }
}

const PHASE_LABEL = /** @type {Record<string, string>} */ ({after_inference: 'before running tools', after_tools: 'after running tools'})
const ACTION_LABEL = /** @type {Record<string, string>} */ ({
  continue: 'Continued',
  skip: 'Skipped',
  deny: 'Denied',
  cancelled: 'Cancelled',
})
const STEP_ACTIONS = /** @type {const} */ (['continue', 'skip', 'deny'])

/**
 * The step-mode pause card. `onAction(pauseId, action)` returns a promise; it rejects with an Error to show.
 * @param {string} id
 * @param {(pauseId: string, action: string) => Promise<void>} onAction
 * @returns {View<StepEvent> & {close(status: string): void}}
 */
export function stepView(id, onAction) {
  const title = el('div', {class: 'step-title'})
  const calls = el('ul', {class: 'step-calls'})
  const countdown = el('span', {class: 'step-deadline', testid: 'step-deadline'})
  const error = el('div', {class: 'step-error', role: 'alert', hidden: true})
  const buttons = STEP_ACTIONS.map((action) =>
    el('button', {
      type: 'button',
      class: action === 'continue' ? 'primary' : action === 'deny' ? 'danger' : '',
      testid: `step-${action}`,
      text: action.charAt(0).toUpperCase() + action.slice(1),
    }),
  )
  const actions = el('div', {class: 'step-actions'}, buttons, countdown)
  const root = el(
    'div',
    {class: 'step-card', testid: 'step-card', role: 'group', 'aria-label': 'Run paused', dataset: {pauseId: id}},
    title,
    calls,
    actions,
    error,
  )
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer
  /** @type {number | null} */
  let deadline = null
  let phase = ''
  const tick = () => {
    if (!deadline) return
    const left = Math.max(0, Math.round((deadline - Date.now()) / 1000))
    countdown.textContent = left > 0 ? `continues by itself in ${left} s` : 'continuing…'
  }
  buttons.forEach((button, i) =>
    button.addEventListener('click', async () => {
      const action = STEP_ACTIONS[i] ?? 'continue'
      for (const b of buttons) b.disabled = true
      error.hidden = true
      try {
        await onAction(id, action)
      } catch (e) {
        error.hidden = false
        error.textContent = e instanceof Error ? e.message : String(e)
        for (const b of buttons) b.disabled = false
      }
    }),
  )
  /**
   * The card becomes one line saying how the pause ended; its buttons are gone.
   * @param {string} action
   * @param {string} text
   */
  const resolve = (action, text) => {
    clearInterval(timer)
    const names = [...calls.querySelectorAll('.tool-name')].map((n) => n.textContent).join(', ')
    root.className = `step-resolved action-${action}`
    root.dataset.testid = 'step-resolved'
    root.removeAttribute('role')
    root.replaceChildren(
      el('span', {class: 'step-icon', 'aria-hidden': 'true'}),
      text,
      ...(names ? [el('code', {class: 'step-names', text: ` ${names}`})] : []),
    )
  }
  return {
    root,
    apply(event) {
      if (event.type === 'step.paused') {
        phase = PHASE_LABEL[event.phase] ?? event.phase
        title.textContent = `Paused ${phase}`.trim()
        calls.replaceChildren(
          ...(event.tool_calls ?? []).map((call) =>
            el(
              'li',
              {},
              el('code', {class: 'tool-name', text: call.name ?? 'tool'}),
              ' ',
              el('code', {class: 'tool-preview', text: jsonPreview(call.args ?? {}, 80)}),
            ),
          ),
        )
        const at = Date.parse(event.deadline ?? '')
        deadline = Number.isFinite(at) ? at : null
        tick()
        clearInterval(timer)
        if (deadline) timer = setInterval(tick, 1000)
      }
      if (event.type === 'step.resumed') {
        const how = event.timed_out ? 'Continued (timed out)' : (ACTION_LABEL[event.action] ?? String(event.action))
        resolve(event.action, `${how} ${phase}`.trim())
      }
    },
    close(status) {
      // The run ended (cancelled, failed…) while this pause waited: nothing can answer it any more.
      if (root.classList.contains('step-resolved')) return
      resolve('closed', `Not answered: the run ended (${status}) ${phase}`.trim())
    },
  }
}

/**
 * @param {string} kind info | error | cancelled
 * @param {string} title
 * @param {string} [detail]
 * @param {string} [testid]
 */
export function noticeView(kind, title, detail, testid) {
  return el(
    'div',
    {class: `notice ${kind}`, testid: testid ?? `notice-${kind}`, role: kind === 'error' ? 'alert' : 'status'},
    el('span', {class: 'notice-title', text: title}),
    detail ? el('span', {class: 'notice-detail', text: detail}) : null,
  )
}

/** @param {unknown} value */
const shortHash = (value) => {
  if (value === null || value === undefined) return '∅'
  if (typeof value === 'string') return value.slice(0, 12)
  if (typeof value === 'object' && 'hash' in value && typeof value.hash === 'string') return value.hash.slice(0, 12)
  return jsonPreview(value, 24)
}

/**
 * What caused a rebuild: the request, the config file (its path) or a plugin (its name).
 * @param {{source?: unknown, file?: unknown, plugin?: unknown}} record
 */
function sourceLabel(record) {
  if (record.source === 'file') return `config file${typeof record.file === 'string' ? ` ${record.file}` : ''}`
  if (record.source === 'plugin')
    return `plugin ${typeof record.plugin === 'string' ? record.plugin : typeof record.file === 'string' ? record.file : ''}`.trim()
  return 'request'
}

/** @param {import('./page.js').FrameOf<'conversation.rebuilt'>} event */
export function rebuildView(event) {
  const record = event.record
  const summary = el(
    'summary',
    {},
    el('span', {class: 'notice-title', text: 'Engine rebuilt'}),
    typeof record.source === 'string'
      ? el('span', {class: `badge source ${record.source}`, testid: 'rebuild-source', text: sourceLabel(record)})
      : null,
    record.reason ? el('span', {class: 'notice-detail', text: ` · ${record.reason}`}) : null,
    el('code', {class: 'hash', text: ` ${shortHash(record.from)} → ${shortHash(record.to)}`}),
  )
  return el('details', {class: 'notice rebuilt', testid: 'rebuild-notice', open: true}, summary, diffView(record.diff))
}

/** @param {{level?: string, message?: string, fields?: Record<string, unknown>}} event */
export function logView(event) {
  const fields =
    event.fields && typeof event.fields === 'object' && Object.keys(event.fields).length > 0 ? jsonPreview(event.fields, 160) : ''
  return el(
    'div',
    {class: `log level-${event.level ?? 'info'}`, testid: 'log-line'},
    el('span', {class: 'log-level', text: event.level ?? 'info'}),
    ' ',
    event.message ?? '',
    fields ? el('span', {class: 'log-fields', text: ` ${fields}`}) : null,
  )
}

/** @param {import('./page.js').FrameOf<'agent.mode'>} event */
export function agentModeView(event) {
  const title = event.title ?? event.data?.title ?? event.mode ?? event.data?.to ?? '?'
  return noticeView('info', `Mode: ${title}`, event.data?.analysis ?? event.analysis ?? '', 'agent-mode')
}

/** What an empty conversation shows: the profile, and its example prompt as a button. */
/**
 * @param {import('./page.js').ProfileInfo} profile
 * @param {(example: string) => void} onExample
 */
export function emptyStateView(profile, onExample) {
  const example = profile.default_prompt
  return el(
    'div',
    {class: 'empty-state', testid: 'empty-state'},
    el('h2', {text: 'Start a conversation'}),
    el('p', {text: profile.description || `Profile ${profile.slug}.`}),
    example
      ? el('button', {
          type: 'button',
          class: 'example',
          testid: 'example-prompt',
          text: `Try “${example}”`,
          onclick: () => onExample(example),
        })
      : null,
    el('p', {class: 'hint', text: 'Mock engine tags: /tool /tools /think /slow /error'}),
  )
}
