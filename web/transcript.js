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

/** @typedef {import('./page.js').ViewAction} ViewAction */
/**
 * What the transcript keeps per upserted item (each view's own type narrows `apply`).
 * @typedef {{root: HTMLElement, apply(event: import('./page.js').LlmFrame | import('./page.js').ThinkingFrame | import('./page.js').ToolFrame | import('./page.js').StepFrame): void, thinkingSlot?: HTMLElement, finish?(): void, interrupt?(): void, fail?(): void, settle?(outcome: import('./page.js').ToolOutcome): void, close?(status: string): void}} AnyView
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
   */
  constructor(root, o) {
    this.root = root
    this.onStepAction = o.onStepAction
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
   * Swaps the empty-state element, if it is still shown (the profile's description changed).
   * @param {HTMLElement} empty
   */
  replaceEmpty(empty) {
    if (!this.empty?.isConnected) return
    this.empty.replaceWith(empty)
    this.empty = empty
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
   * Shows what the frame reducer made of one frame (frames arrive deduplicated and in seq order).
   * @param {ViewAction} action
   */
  apply(action) {
    this.withStick(() => this.applyAction(action))
  }

  /** @param {ViewAction} action */
  applyAction(action) {
    switch (action.type) {
      case 'prompt': {
        // The prompt that started the run; this page may already show it (it sent it).
        const section = this.parentOf(action)
        if (!section.querySelector(':scope > .msg.user')) section.prepend(userMessageView(action.text))
        return
      }
      case 'assistant':
        this.upsert(
          `llm:${action.id}`,
          () => assistantView(action.id),
          () => this.parentOf(action),
        ).apply(action.event)
        return
      case 'thinking-over':
        this.views.get(`thinking:${action.id}`)?.finish?.()
        return
      case 'thinking': {
        const owner = action.owner === null ? undefined : this.views.get(`llm:${action.owner}`)
        this.upsert(
          `thinking:${action.id}`,
          () => thinkingView(action.id),
          () => owner?.thinkingSlot ?? this.parentOf(action),
        ).apply(action.event)
        return
      }
      case 'tool':
        this.upsert(
          `tool:${action.id}`,
          () => toolView(action.id),
          () => this.parentOf(action),
        ).apply(action.event)
        return
      case 'tool-outcome':
        this.views.get(`tool:${action.id}`)?.settle?.(action.outcome)
        return
      case 'step':
        this.upsert(
          `step:${action.id}`,
          () => stepView(action.id, this.onStepAction),
          () => this.parentOf(action),
        ).apply(action.event)
        return
      case 'pause-closed':
        this.views.get(`step:${action.id}`)?.close?.(action.status)
        return
      case 'run-stopped': {
        const section = this.parentOf(action)
        const message = action.messageId === null ? undefined : this.views.get(`llm:${action.messageId}`)
        if (action.how === 'cancelled') message?.interrupt?.()
        else message?.fail?.()
        this.finishOpenViews(section)
        const title = action.how === 'cancelled' ? 'Run cancelled' : 'Run failed'
        section.append(
          noticeView(
            action.how === 'cancelled' ? 'cancelled' : 'error',
            title,
            action.detail,
            `run-${action.how === 'cancelled' ? 'cancelled' : 'error'}`,
          ),
        )
        return
      }
      case 'run-finished': {
        // The last frame of every run (DESIGN §3): the run's section is complete.
        const section = this.parentOf(action)
        section.dataset.status = action.status
        if (action.timeline) section.append(timelineView(action.timeline))
        return
      }
      case 'rebuild':
        this.placeBySeq(rebuildView(action.event), action.seq)
        return
      case 'notice':
        this.parentOf(action).append(noticeView(action.kind, action.title, action.detail, action.testid))
        return
      case 'trace':
        this.parentOf(action).append(traceView(action.event))
        return
      case 'log':
        this.parentOf(action).append(logView(action.event))
        return
      case 'agent-mode':
        this.parentOf(action).append(agentModeView(action.event))
        return
      case 'server-notice': {
        const event = action.event
        const where = event.file ? `${event.file}${event.line ? `:${event.line}` : ''}: ` : ''
        this.appendTop(noticeView(event.level === 'error' ? 'error' : 'info', 'Server', `${where}${event.message}`, 'server-notice'))
        return
      }
      default: {
        /** @type {never} */
        const unknown = action
        return unknown
      }
    }
  }

  /**
   * The run section of an item (created, and placed by seq, by its run's first frame) or the transcript itself.
   * @param {{run: string | null, seq: number | undefined}} at
   * @returns {HTMLElement}
   */
  parentOf(at) {
    if (at.run === null) return this.root
    const section = this.sectionFor(at.run, at.seq)
    return section
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
   * The section of run `inferenceId`: known, the prompt this page just sent (its first frame adopts
   * it), or a new one placed by `seq`.
   * @param {string} inferenceId
   * @param {number | undefined} seq the frame that names the run
   * @returns {HTMLElement}
   */
  sectionFor(inferenceId, seq) {
    const known = this.sections.get(inferenceId)
    if (known) {
      if (known.dataset.seq === undefined && seq !== undefined) this.placeBySeq(known, seq)
      return known
    }
    if (this.pending?.adoptable) {
      const section = this.pending.section
      this.pending.adoptable = false
      section.classList.remove('pending')
      section.dataset.inferenceId = inferenceId
      this.sections.set(inferenceId, section)
      if (seq !== undefined) this.placeBySeq(section, seq)
      return section
    }
    const section = this.newSection(inferenceId, null)
    this.sections.set(inferenceId, section)
    if (seq !== undefined) this.placeBySeq(section, seq)
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

  /**
   * Puts a conversation-level item where its seq says: before the first item with a later seq, and
   * before any run still waiting for its first frame (a prompt just sent), never by arrival time.
   * @param {HTMLElement} node
   * @param {number | undefined} seq
   */
  placeBySeq(node, seq) {
    if (this.empty?.isConnected) this.empty.remove()
    if (seq === undefined) {
      this.appendTop(node)
      return
    }
    node.dataset.seq = String(seq)
    for (const child of this.root.children) {
      if (child === node || !(child instanceof HTMLElement)) continue
      const waiting = child.classList.contains('run') && !child.classList.contains('failed') && child.dataset.seq === undefined
      if (waiting || Number(child.dataset.seq) > seq) {
        this.root.insertBefore(node, child)
        return
      }
    }
    this.root.append(node)
  }

  /**
   * Appends at the end (an item with no seq: a client notice, a prompt just sent).
   * @param {HTMLElement} node
   */
  appendTop(node) {
    if (this.empty?.isConnected) this.empty.remove()
    this.root.append(node)
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
