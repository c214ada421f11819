// @ts-check
/**
 * "Save as fixture": a topbar button that saves the open conversation (every bus message the
 * server consumed for it) as a replayable fixture file on the server, via
 * `POST /api/conversations/{id}/fixture`, and says where it went. Self-contained: it reads the
 * open conversation from the URL hash, which the page keeps in sync (app.js).
 */
const token = new URLSearchParams(location.search).get('token')

function currentConvId() {
  const hash = location.hash.slice(1)
  return hash ? decodeURIComponent(hash) : null
}

/**
 * @param {string} convId
 * @returns {Promise<{lines?: number, path?: string}>}
 */
async function saveFixture(convId) {
  /** @type {Record<string, string>} */
  const headers = {accept: 'application/json'}
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(`/api/conversations/${encodeURIComponent(convId)}/fixture`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
  })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(body.error || response.statusText)
  return body
}

function install() {
  const topbar = document.querySelector('.topbar')
  if (!topbar) return
  const button = document.createElement('button')
  button.type = 'button'
  button.id = 'save-fixture'
  button.dataset.testid = 'save-fixture'
  button.textContent = 'Save as fixture'
  button.title = 'Save this conversation as a replayable fixture (jiminy replay)'
  const status = document.createElement('span')
  status.className = 'hint'
  status.dataset.testid = 'save-fixture-status'
  status.setAttribute('role', 'status')
  button.addEventListener('click', async () => {
    const convId = currentConvId()
    if (!convId) {
      status.textContent = 'No conversation open'
      return
    }
    button.disabled = true
    status.textContent = 'Saving…'
    try {
      const saved = await saveFixture(convId)
      status.textContent = `Saved ${saved.lines} events to ${saved.path}`
    } catch (error) {
      status.textContent = `Not saved: ${error instanceof Error ? error.message : String(error)}`
    } finally {
      button.disabled = false
    }
  })
  topbar.append(button, status)
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', install)
else install()
