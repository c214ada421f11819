// @ts-check
/**
 * The one way this page builds DOM: `el(tag, props, ...children)`. Text is always set with
 * textContent / text nodes, never innerHTML, so nothing the server sends is ever parsed as HTML.
 */

/** @typedef {import('./page.js').DomChild} Child */

/**
 * `class`, `text` (textContent), `testid` (data-testid), `dataset` (an object), `on<event>`
 * (a listener); any other key is an attribute (`true` → present and empty; null, undefined, false → absent).
 * @typedef {Record<string, unknown>} Props
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') node.className = String(value)
    else if (key === 'text') node.textContent = String(value)
    else if (key === 'testid') node.dataset.testid = String(value)
    else if (key === 'dataset') Object.assign(node.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), /** @type {EventListener} */ (value))
    else if (value === true) node.setAttribute(key, '')
    else node.setAttribute(key, String(value))
  }
  append(node, children)
  return node
}

/**
 * Appends children (nodes, strings, nested arrays; null, undefined and booleans skipped) as nodes or text.
 * @template {ParentNode} N
 * @param {N} node
 * @param {readonly Child[]} children
 * @returns {N}
 */
export function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || typeof child === 'boolean') continue
    if (Array.isArray(child)) append(node, child)
    else node.append(child instanceof Node ? child : String(child))
  }
  return node
}

/** @param {ParentNode} node */
export function clear(node) {
  node.replaceChildren()
}

/**
 * Pretty JSON for display; never throws (cycles and BigInts come out as a plain string).
 * @param {unknown} value
 * @returns {string}
 */
export function prettyJson(value) {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value, null, 2)
  } catch {
    return String(value)
  }
}

/**
 * One-line JSON preview, cut to `max` characters.
 * @param {unknown} value
 * @param {number} [max]
 * @returns {string}
 */
export function jsonPreview(value, max = 80) {
  /** @type {string | undefined} */
  let text
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value)
  } catch {
    text = String(value)
  }
  if (text === undefined) return ''
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
