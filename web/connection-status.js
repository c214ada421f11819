// @ts-check
/** The connection indicator in the top bar: a dot and a word, announced politely. */
const LABELS = /** @type {Record<string, string>} */ ({
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
})

/**
 * @param {HTMLElement} root
 * @param {import('./ws-client.js').SocketStatus} status
 */
export function showConnectionStatus(root, status) {
  const state = status.state in LABELS ? status.state : 'closed'
  root.dataset.state = state
  let label = LABELS[state] ?? state
  if (state === 'reconnecting' && typeof status.retryInMs === 'number')
    label = `Reconnecting in ${Math.max(1, Math.round(status.retryInMs / 1000))} s`
  const text = root.querySelector('.status-label')
  if (text) text.textContent = label
  root.title = state === 'reconnecting' && status.attempt ? `attempt ${status.attempt}` : ''
}
