/**
 * The one way this page builds DOM: `el(tag, props, ...children)`. Text is always set with
 * textContent / text nodes, never innerHTML, so nothing the server sends is ever parsed as HTML.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (key === 'class') node.className = value
    else if (key === 'text') node.textContent = String(value)
    else if (key === 'testid') node.dataset.testid = value
    else if (key === 'dataset') Object.assign(node.dataset, value)
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value)
    else if (value === true) node.setAttribute(key, '')
    else node.setAttribute(key, String(value))
  }
  append(node, children)
  return node
}

/** Appends children (nodes, strings, nested arrays; null/false skipped) as nodes or text. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : String(child))
  }
  return node
}

export function clear(node) {
  node.replaceChildren()
}

/** Pretty JSON for display; never throws (cycles and BigInts come out as a plain string). */
export function prettyJson(value) {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value, null, 2)
  } catch {
    return String(value)
  }
}

/** One-line JSON preview, cut to `max` characters. */
export function jsonPreview(value, max = 80) {
  let text
  try {
    text = typeof value === 'string' ? value : JSON.stringify(value)
  } catch {
    text = String(value)
  }
  if (text === undefined) return ''
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
