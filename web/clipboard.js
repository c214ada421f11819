// @ts-check
import {el} from './dom.js'

/**
 * Copying to the clipboard: `navigator.clipboard` where the browser offers it (secure contexts:
 * localhost, https), else a hidden textarea and `document.execCommand('copy')` (plain http on a
 * LAN address, older browsers).
 * @param {string} text
 * @returns {Promise<boolean>} whether the text was copied
 */
export async function copyText(text) {
  if (window.isSecureContext && typeof navigator.clipboard?.writeText === 'function') {
    try {
      await navigator.clipboard.writeText(text)
      return true
    } catch {
      // Permission refused or no focus: try the old way.
    }
  }
  const area = /** @type {HTMLTextAreaElement} */ (el('textarea', {class: 'clipboard-buffer', readonly: true, 'aria-hidden': 'true'}))
  area.value = text
  const focused = document.activeElement
  document.body.append(area)
  area.select()
  let copied = false
  try {
    copied = document.execCommand('copy')
  } catch {
    copied = false
  }
  area.remove()
  if (focused instanceof HTMLElement) focused.focus()
  return copied
}

const FEEDBACK_MS = 1500

/**
 * A button that copies `text()` and says so for a moment ("Copied" / "Copy failed").
 * @param {() => string} text
 * @param {{label: string, title: string, testid: string}} o
 * @returns {HTMLButtonElement}
 */
export function copyButton(text, o) {
  const button = /** @type {HTMLButtonElement} */ (
    el('button', {type: 'button', class: 'copy-button', title: o.title, 'aria-label': o.title, testid: o.testid, text: o.label})
  )
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let reset
  button.addEventListener('click', async () => {
    const copied = await copyText(text())
    button.textContent = copied ? 'Copied' : 'Copy failed'
    button.dataset.state = copied ? 'copied' : 'failed'
    clearTimeout(reset)
    reset = setTimeout(() => {
      button.textContent = o.label
      delete button.dataset.state
    }, FEEDBACK_MS)
  })
  return button
}
