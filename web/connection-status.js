/** The connection indicator in the top bar: a dot and a word, announced politely. */
const LABELS = {connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', closed: 'Offline'}

export function showConnectionStatus(root, status) {
  const state = status.state in LABELS ? status.state : 'closed'
  root.dataset.state = state
  let label = LABELS[state]
  if (state === 'reconnecting' && typeof status.retryInMs === 'number')
    label = `Reconnecting in ${Math.max(1, Math.round(status.retryInMs / 1000))} s`
  root.querySelector('.status-label').textContent = label
  root.title = state === 'reconnecting' && status.attempt ? `attempt ${status.attempt}` : ''
}
