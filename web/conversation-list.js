// @ts-check
import {el} from './dom.js'
import {plainText} from './markdown.js'

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
    // A conversation another tab opened but never used (no frame yet) is not worth a row.
    if (c && typeof c.conv_id === 'string' && (c.last_seq !== 0 || c.running)) {
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
      // The server's title wins once it has one: a rename (here, in another browser or by the CLI) shows everywhere.
      title: s?.title || c.title || '',
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
 * @param {{running: boolean, onOpen: (convId: string) => void, onRename?: (convId: string) => void, onDelete?: (convId: string) => void}} o
 */
export function renderConversationList(container, items, currentId, {running, onOpen, onRename, onDelete}) {
  container.replaceChildren(
    ...items.map((c) => {
      const title = plainText(c.title)
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
        el('span', {class: 'conv-title', text: title || (c.local ? 'New conversation' : `Conversation ${c.conv_id.slice(0, 8)}`)}),
        el(
          'span',
          {class: 'conv-meta'},
          isRunning ? el('span', {class: 'run-dot', title: 'running', 'aria-label': 'running'}) : null,
          [c.profile, relativeTime(c.updated_at)].filter(Boolean).join(' · '),
        ),
      )
      button.addEventListener('click', () => onOpen(c.conv_id))
      const label = title || c.conv_id
      const actions = el(
        'span',
        {class: 'conv-actions'},
        onRename
          ? el('button', {
              type: 'button',
              class: 'conv-action',
              testid: 'conversation-rename',
              title: 'Rename',
              'aria-label': `Rename ${label}`,
              text: '✎',
            })
          : null,
        onDelete
          ? el('button', {
              type: 'button',
              class: 'conv-action',
              testid: 'conversation-delete',
              title: 'Delete',
              'aria-label': `Delete ${label}`,
              text: '×',
            })
          : null,
      )
      actions.querySelector('[data-testid="conversation-rename"]')?.addEventListener('click', () => onRename?.(c.conv_id))
      actions.querySelector('[data-testid="conversation-delete"]')?.addEventListener('click', () => onDelete?.(c.conv_id))
      return el('li', {class: 'conv-row'}, button, actions)
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
