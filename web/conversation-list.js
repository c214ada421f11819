// @ts-check
import {el} from './dom.js'

/** @typedef {import('./page.js').ConversationItem} ConversationItem */
/** @typedef {import('./page.js').ConversationRecord} ConversationRecord */
/** @typedef {import('./page.js').ServerConversation} ServerConversation */

/**
 * The sidebar list: this browser's conversations (localStorage) merged with the server's
 * (`GET /api/conversations`, when the server has it), newest first.
 */
/**
 * @param {readonly ConversationRecord[]} local
 * @param {readonly ServerConversation[]} server
 * @returns {ConversationItem[]}
 */
export function mergeConversations(local, server) {
  /** @type {Map<string, ConversationItem>} */
  const byId = new Map()
  for (const c of server) {
    if (c && typeof c.conv_id === 'string') {
      byId.set(c.conv_id, {
        conv_id: c.conv_id,
        profile: c.profile,
        title: c.title ?? '',
        updated_at: c.updated_at ?? c.last_activity ?? '',
        running: Boolean(c.running),
        local: false,
      })
    }
  }
  for (const c of local) {
    const s = byId.get(c.conv_id)
    byId.set(c.conv_id, {
      conv_id: c.conv_id,
      profile: c.profile ?? s?.profile,
      title: c.title || s?.title || '',
      updated_at: later(c.updated_at, s?.updated_at),
      running: s?.running ?? false,
      local: true,
    })
  }
  return [...byId.values()].sort((a, b) => String(b.updated_at).localeCompare(String(a.updated_at)))
}

/**
 * @param {string | undefined} a
 * @param {string | undefined} b
 * @returns {string}
 */
const later = (a, b) => (String(a ?? '') > String(b ?? '') ? a : b) ?? ''

/**
 * @param {HTMLElement} container
 * @param {readonly ConversationItem[]} items
 * @param {string | null} currentId
 * @param {{running: boolean, onOpen: (convId: string) => void}} o
 */
export function renderConversationList(container, items, currentId, {running, onOpen}) {
  container.replaceChildren(
    ...items.map((c) => {
      const active = c.conv_id === currentId
      const isRunning = active ? running : c.running
      const button = el(
        'button',
        {
          type: 'button',
          class: 'conv-item',
          'aria-current': active ? 'true' : null,
          testid: 'conversation-item',
          dataset: {convId: c.conv_id},
          title: c.conv_id,
        },
        el('span', {class: 'conv-title', text: c.title || (c.local ? 'New conversation' : `Conversation ${c.conv_id.slice(0, 8)}`)}),
        el(
          'span',
          {class: 'conv-meta'},
          isRunning ? el('span', {class: 'run-dot', title: 'running', 'aria-label': 'running'}) : null,
          [c.profile, relativeTime(c.updated_at)].filter(Boolean).join(' · '),
        ),
      )
      button.addEventListener('click', () => onOpen(c.conv_id))
      return el('li', {}, button)
    }),
  )
}

/**
 * @param {string} iso
 * @param {number} [now]
 */
export function relativeTime(iso, now = Date.now()) {
  const at = Date.parse(iso)
  if (!Number.isFinite(at)) return ''
  const s = Math.round((now - at) / 1000)
  if (s < 45) return 'just now'
  if (s < 3600) return `${Math.round(s / 60)} min ago`
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`
  return new Date(at).toLocaleDateString()
}
