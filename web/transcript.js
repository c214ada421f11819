// @ts-check
import {el} from './dom.js'
import {
  agentModeView,
  assistantView,
  logView,
  noticeView,
  rebuildView,
  stepView,
  thinkingView,
  toolView,
  userMessageView,
} from './render.js'
import {timelineView, traceView} from './run-insights.js'

/** @typedef {import('./frames.js').SemEvent} SemEvent */
/**
 * What the transcript keeps per upserted item (each view's own type narrows `apply`).
 * @typedef {{root: HTMLElement, apply(event: SemEvent): void, thinkingSlot?: HTMLElement, finish?(): void, interrupt?(): void, fail?(): void}} AnyView
 */
/** @typedef {{section: HTMLElement, adoptable: boolean}} PendingSection */

/**
 * The conversation as shown: one `<article class="run">` per inference (the user's prompt, then
 * everything the run streamed), with conversation-level notices (rebuilds) between runs. Frames
 * are upserted: the first frame of a message, thinking stream, tool call or pause creates its
 * view, later frames with the same `(family, id)` update it.
 */
export class Transcript {
  /**
   * @param {HTMLElement} root the scrolling container
   * @param {object} o
   * @param {(pauseId: string, action: string) => Promise<void>} o.onStepAction
   * @param {(inferenceId: string) => string|null} o.promptFor the prompt that started a run, if known
   */
  constructor(root, o) {
    this.root = root
    this.onStepAction = o.onStepAction
    this.promptFor = o.promptFor
    /** @type {Map<string, AnyView>} */
    this.views = new Map()
    /** @type {Map<string, HTMLElement>} */
    this.sections = new Map()
    /** @type {PendingSection | null} */
    this.pending = null
    /** @type {HTMLElement | null} */
    this.empty = null
    this.reset(null)
  }

  /**
   * Empties the transcript; `empty` is an element shown until something arrives.
   * @param {HTMLElement | null} empty
   */
  reset(empty) {
    this.views = new Map()
    this.sections = new Map()
    this.pending = null
    this.empty = empty
    this.root.replaceChildren(...(empty ? [empty] : []))
  }

  /**
   * Shows a prompt the user just sent, before the server has answered with its inference id.
   * @param {string} text
   */
  addPendingPrompt(text) {
    const section = this.newSection(null, text)
    section.classList.add('pending')
    /** @type {PendingSection} */
    const pending = {section, adoptable: true}
    this.pending = pending
    this.stickToBottom(true)
    return {
      /** The POST answered: the section is run `inferenceId` (frames may have got here first). */
      /** @param {string} inferenceId */
      started: (inferenceId) => {
        pending.adoptable = false
        section.classList.remove('pending')
        if (!section.dataset.inferenceId) {
          section.dataset.inferenceId = inferenceId
          this.sections.set(inferenceId, section)
        }
        if (this.pending === pending) this.pending = null
      },
      /** The POST failed: keep the prompt, say why, never let frames land here. */
      /** @param {string} message */
      failed: (message) => {
        pending.adoptable = false
        section.classList.remove('pending')
        section.classList.add('failed')
        section.append(noticeView('error', 'Not sent', message, 'send-error'))
        if (this.pending === pending) this.pending = null
        this.stickToBottom(true)
      },
    }
  }

  /**
   * A notice that belongs to no run (connection, replay truncation…).
   * @param {string} kind
   * @param {string} title
   * @param {string} detail
   * @param {string} testid
   */
  notice(kind, title, detail, testid) {
    this.withStick(() => this.appendTop(noticeView(kind, title, detail, testid)))
  }

  /**
   * Applies one SEM event (already deduplicated and in seq order).
   * @param {SemEvent} event
   */
  apply(event) {
    this.withStick(() => this.applyEvent(event))
  }

  /** @param {SemEvent} event */
  applyEvent(event) {
    const type = event.type
    const id = String(event.id ?? '')
    const parent = () => (event.inference_id ? this.sectionFor(String(event.inference_id)) : this.topLevel())
    switch (event.type) {
      case 'user.message': {
        // The prompt that started the run; this page may already show it (it sent it, or remembered it).
        const section = parent()
        if (!section.querySelector(':scope > .msg.user')) section.prepend(userMessageView(String(event.text ?? '')))
        return
      }
      case 'llm.start':
      case 'llm.delta':
      case 'llm.final':
        this.upsert(`llm:${id}`, () => assistantView(id), parent).apply(event)
        if (type !== 'llm.start') this.views.get(`thinking:${id}:thinking`)?.finish?.()
        return
      case 'llm.thinking.start':
      case 'llm.thinking.delta':
      case 'llm.thinking.final': {
        const owner = id.endsWith(':thinking') ? this.views.get(`llm:${id.slice(0, -':thinking'.length)}`) : undefined
        this.upsert(
          `thinking:${id}`,
          () => thinkingView(id),
          () => owner?.thinkingSlot ?? parent(),
        ).apply(event)
        return
      }
      case 'tool.start':
      case 'tool.delta':
      case 'tool.result':
      case 'tool.done':
        this.upsert(`tool:${id}`, () => toolView(id), parent).apply(event)
        return
      case 'step.paused':
      case 'step.resumed':
        this.upsert(`step:${id}`, () => stepView(id, this.onStepAction), parent).apply(event)
        return
      case 'run.cancelled': {
        this.views.get(`llm:${event.message_id}`)?.interrupt?.()
        this.finishOpenViews(parent())
        const kept = typeof event.text === 'string' && event.text ? 'the partial answer above is kept' : ''
        parent().append(noticeView('cancelled', 'Run cancelled', kept, 'run-cancelled'))
        return
      }
      case 'run.error': {
        this.views.get(`llm:${event.message_id}`)?.fail?.()
        this.finishOpenViews(parent())
        const message = String(event.message ?? '')
        const detail = event.code && !message.includes(String(event.code)) ? `${message} (${event.code})` : message
        parent().append(noticeView('error', 'Run failed', detail, 'run-error'))
        return
      }
      case 'conversation.rebuilt':
        this.appendTop(rebuildView(event))
        return
      case 'run.info':
        parent().append(noticeView('info', 'Note', String(event.message ?? ''), 'run-info'))
        return
      case 'run.finished':
        // The last frame of every run (DESIGN §3): the run's section is complete.
        if (event.inference_id) parent().dataset.status = String(event.status ?? 'finished')
        if (event.timeline && typeof event.timeline === 'object') parent().append(timelineView(event.timeline))
        return
      case 'middleware.trace':
        parent().append(traceView(event))
        return
      case 'server.notice': {
        const where = event.file ? `${event.file}${event.line ? `:${event.line}` : ''}: ` : ''
        this.appendTop(noticeView(event.level === 'error' ? 'error' : 'info', 'Server', `${where}${event.message ?? ''}`, 'server-notice'))
        return
      }
      case 'log':
        parent().append(logView(event))
        return
      case 'agent.mode':
        parent().append(agentModeView(event))
        return
      default:
        parent().append(logView({level: 'debug', message: `unhandled frame type ${String(type)}`, fields: {}}))
    }
  }

  /**
   * The view for `key`, created (and appended to `parent()`) by the first frame that names it.
   * @param {string} key
   * @param {() => AnyView} create
   * @param {() => HTMLElement} parent
   * @returns {AnyView}
   */
  upsert(key, create, parent) {
    let view = this.views.get(key)
    if (!view) {
      view = create()
      this.views.set(key, view)
      parent().append(view.root)
    }
    return view
  }

  /**
   * After a cancel or an error nothing in the run is streaming any more.
   * @param {HTMLElement} section
   */
  finishOpenViews(section) {
    for (const node of section.querySelectorAll('.msg.assistant.streaming')) {
      if (!(node instanceof HTMLElement)) continue
      const view = this.views.get(`llm:${node.dataset.messageId}`)
      view?.interrupt?.()
    }
  }

  /**
   * @param {string} inferenceId
   * @returns {HTMLElement}
   */
  sectionFor(inferenceId) {
    const known = this.sections.get(inferenceId)
    if (known) return known
    if (this.pending?.adoptable) {
      const section = this.pending.section
      this.pending.adoptable = false
      section.classList.remove('pending')
      section.dataset.inferenceId = inferenceId
      this.sections.set(inferenceId, section)
      return section
    }
    const section = this.newSection(inferenceId, this.promptFor(inferenceId))
    this.sections.set(inferenceId, section)
    return section
  }

  /**
   * @param {string | null} inferenceId
   * @param {string | null} prompt
   */
  newSection(inferenceId, prompt) {
    const section = el('article', {class: 'run', testid: 'run', ...(inferenceId ? {dataset: {inferenceId}} : {})})
    if (prompt) section.append(userMessageView(prompt))
    this.appendTop(section)
    return section
  }

  /** @returns {HTMLElement} */
  topLevel() {
    return this.root
  }

  /**
   * Appends at the end, but above a prompt still waiting for its run (its frames come next).
   * @param {HTMLElement} node
   */
  appendTop(node) {
    if (this.empty?.isConnected) this.empty.remove()
    const waiting = this.pending?.adoptable ? this.pending.section : null
    if (waiting && waiting !== node && waiting.parentNode === this.root) this.root.insertBefore(node, waiting)
    else this.root.append(node)
  }

  nearBottom() {
    return this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight < 120
  }

  /** @param {boolean} force */
  stickToBottom(force) {
    if (force) this.root.scrollTop = this.root.scrollHeight
  }

  /** @param {() => void} fn */
  withStick(fn) {
    const stick = this.nearBottom()
    fn()
    if (stick) this.root.scrollTop = this.root.scrollHeight
  }
}
