// @ts-check
import {copyButton} from './clipboard.js'
import {el} from './dom.js'
import DOMPurify from './vendor/dompurify/purify.es.mjs'
import hljs from './vendor/highlight/highlight.js'
import {Marked} from './vendor/marked/marked.esm.js'

/**
 * Assistant answers as markdown: marked parses, highlight.js colours code blocks, DOMPurify
 * sanitizes the HTML into a detached fragment, and the fragment is finished with DOM calls (code
 * block header with a copy button, links that open in a new tab, images as links) before it is
 * shown. This is the page's only path from an HTML string to the DOM.
 *
 * Two layers keep an answer inert: raw HTML inside the markdown is rendered as text (the user sees
 * what the model wrote), and everything marked emits passes DOMPurify, which drops scripts, event
 * handlers and `javascript:` URLs. Images are never loaded from the answer (the CSP allows only
 * this server, and a remote image would tell a third party the answer was read): non-`data:` images
 * become links.
 */

/** @typedef {import('./vendor/marked/marked.esm.js').Token} Token */
/** @typedef {{raw: string, nodes: ChildNode[]}} RenderedBlock */

/** Auto-detecting the language of an unlabelled block is skipped above this size (cost grows with it). */
const AUTO_DETECT_LIMIT = 20_000

/** `data:` images are the only ones shown; any other `src` is kept aside as `data-blocked-src`. */
const SAFE_IMAGE = /^data:image\/(png|gif|jpe?g|webp);/i

// The page's own DOMPurify instance: its hook changes no one else's sanitizer.
const purify = DOMPurify(window)
purify.addHook('afterSanitizeAttributes', (node) => {
  // Nothing that survives sanitizing fetches by itself: an <img> or <input type=image> would load
  // its src the moment it joins the page (the CSP would block it, and report a violation).
  if (!(node instanceof Element) || !node.hasAttribute('src')) return
  const src = node.getAttribute('src') ?? ''
  if (node.nodeName === 'IMG' && SAFE_IMAGE.test(src)) return
  node.removeAttribute('src')
  node.setAttribute('data-blocked-src', src)
})

const SANITIZE = {
  RETURN_DOM_FRAGMENT: /** @type {const} */ (true),
  USE_PROFILES: {html: true},
  // Anything that would fetch from elsewhere (blocked by the CSP anyway), take input, or restyle the page.
  FORBID_TAGS: [
    'style',
    'link',
    'meta',
    'base',
    'form',
    'button',
    'textarea',
    'select',
    'option',
    'audio',
    'video',
    'source',
    'track',
    'picture',
    'iframe',
    'object',
    'embed',
  ],
  FORBID_ATTR: ['style', 'srcset', 'background', 'poster', 'action', 'formaction', 'ping'],
}

const ESCAPES = /** @type {Record<string, string>} */ ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})
/** @param {string} text */
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

/**
 * @param {string} text the code
 * @param {string} lang the fence's info string (first word is the language)
 * @returns {{html: string, language: string}} language: the fence's language when highlight.js knows it, else ''
 */
function highlightCode(text, lang) {
  const asked = (lang.trim().split(/\s+/)[0] ?? '').toLowerCase()
  if (asked && hljs.getLanguage(asked)) {
    return {html: hljs.highlight(text, {language: asked, ignoreIllegals: true}).value, language: asked}
  }
  if (!asked && text.length <= AUTO_DETECT_LIMIT) {
    // Coloured by a guess, but labelled only by what the fence names: a guess shown as a label
    // ("sql" on a shell transcript) tells the reader something the author never said.
    return {html: hljs.highlightAuto(text).value, language: ''}
  }
  return {html: escapeHtml(text), language: asked}
}

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    code({text, lang}) {
      const {html, language} = highlightCode(text, lang ?? '')
      const name = escapeHtml(language)
      return `<pre><code class="hljs${name ? ` language-${name}` : ''}" data-language="${name}">${html}</code></pre>\n`
    },
    // Raw HTML in an answer is shown as the text it is, never parsed.
    html({text, block}) {
      return block ? `<p class="raw-html">${escapeHtml(text)}</p>\n` : `<span class="raw-html">${escapeHtml(text)}</span>`
    },
  },
})

/**
 * Sanitized, detached DOM for an HTML string (DOMPurify, this page's profile). Exported for tests.
 * @param {string} html
 * @returns {DocumentFragment}
 */
export function sanitize(html) {
  return purify.sanitize(html, SANITIZE)
}

/**
 * `markdown` rendered: a detached fragment, safe to append.
 * @param {string} source
 * @returns {DocumentFragment}
 */
export function renderMarkdown(source) {
  return renderTokens(markdown.lexer(source))
}

/** @param {Token[]} tokens */
function renderTokens(tokens) {
  let html
  try {
    html = markdown.parser(tokens)
  } catch (error) {
    // marked recovers from almost anything; if it does not, show the text rather than nothing.
    const fragment = document.createDocumentFragment()
    fragment.append(el('p', {text: tokens.map((t) => t.raw).join('')}))
    console.error('markdown rendering failed', error)
    return fragment
  }
  return finish(sanitize(html))
}

/**
 * The DOM work after sanitizing, on the detached fragment (its images are not loaded yet).
 * @param {DocumentFragment} fragment
 */
function finish(fragment) {
  for (const img of fragment.querySelectorAll('img')) {
    if (img.hasAttribute('src')) continue
    const src = img.getAttribute('data-blocked-src') ?? ''
    const label = `image: ${img.getAttribute('alt') || src || 'no source'}`
    img.replaceWith(
      /^https?:/i.test(src) ? el('a', {class: 'md-image-link', href: src, text: label}) : el('span', {class: 'md-image-link', text: label}),
    )
  }
  for (const a of fragment.querySelectorAll('a[href]')) {
    a.setAttribute('target', '_blank')
    a.setAttribute('rel', 'noopener noreferrer nofollow')
  }
  for (const input of fragment.querySelectorAll('input')) {
    if (input.type === 'checkbox') input.disabled = true
    else input.remove()
  }
  for (const table of fragment.querySelectorAll('table')) {
    const wrap = el('div', {class: 'table-wrap'})
    table.replaceWith(wrap)
    wrap.append(table)
  }
  for (const pre of fragment.querySelectorAll('pre')) {
    const code = pre.querySelector('code')
    const language = code?.dataset.language ?? ''
    const block = el(
      'div',
      {class: 'code-block', testid: 'code-block'},
      el(
        'div',
        {class: 'code-head'},
        el('span', {class: 'code-lang', text: language || 'text'}),
        copyButton(() => (code ?? pre).textContent ?? '', {label: 'Copy', title: 'Copy code', testid: 'copy-code'}),
      ),
    )
    pre.replaceWith(block)
    block.append(pre)
  }
  return fragment
}

/**
 * The text a reader sees in `source` rendered, without its markup (`**Bold** \`x\`` → `Bold x`),
 * on one line: conversation titles are a prompt's first words, shown as plain text.
 * @param {string} source
 */
export function plainText(source) {
  /** @type {string[]} */
  const out = []
  /** @param {readonly Token[]} tokens */
  const walk = (tokens) => {
    for (const token of tokens) {
      const children = 'tokens' in token && Array.isArray(token.tokens) ? token.tokens : null
      const items = token.type === 'list' && 'items' in token && Array.isArray(token.items) ? token.items : null
      if (items) walk(items)
      else if (children && children.length > 0) walk(children)
      else if (token.type === 'image') out.push(String(token.text ?? ''))
      else if ('text' in token && typeof token.text === 'string') out.push(token.text)
      else out.push(' ')
      if (token.type === 'paragraph' || token.type === 'heading' || token.type === 'list_item') out.push(' ')
    }
  }
  walk(markdown.lexer(source))
  return decodeEntities(out.join('')).replace(/\s+/g, ' ').trim()
}

const ENTITIES = /** @type {Record<string, string>} */ ({'&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'"})
/** @param {string} text marked's token text may carry the five HTML escapes */
const decodeEntities = (text) => text.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e)

/**
 * A markdown text that grows while it streams. `update(text)` coalesces deltas into at most one
 * render per animation frame (and backs off further when a render is slow), `show(text)` renders at
 * once (final text). A render lexes the whole text (cheap) but rebuilds only the top-level blocks
 * from the first one whose source changed, so finished paragraphs and code blocks keep their nodes
 * (a selection or a hovered copy button survives the stream).
 */
export class MarkdownView {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root
    this.source = ''
    this.shown = ''
    /** @type {RenderedBlock[]} */
    this.blocks = []
    this.linksKey = ''
    /** @type {(() => void) | null} */
    this.cancelScheduled = null
    /** No render before this time (performance.now()), set after a slow render. */
    this.notBefore = 0
  }

  /** The markdown source shown (or about to be). */
  get text() {
    return this.source
  }

  /** @param {string} text */
  update(text) {
    this.source = text
    if (this.cancelScheduled) return
    const wait = Math.max(0, this.notBefore - performance.now())
    let frame = 0
    const timer = setTimeout(() => {
      frame = requestAnimationFrame(() => this.flush())
    }, wait)
    this.cancelScheduled = () => {
      clearTimeout(timer)
      cancelAnimationFrame(frame)
    }
  }

  /** @param {string} text */
  show(text) {
    this.source = text
    this.flush()
  }

  flush() {
    this.cancelScheduled?.()
    this.cancelScheduled = null
    if (this.shown === this.source && this.blocks.length > 0) return
    const started = performance.now()
    this.render(this.source)
    this.shown = this.source
    const cost = performance.now() - started
    this.notBefore = cost > 8 ? performance.now() + cost * 4 : 0
  }

  /** @param {string} source */
  render(source) {
    const tokens = markdown.lexer(source)
    const linksKey = JSON.stringify(tokens.links)
    let same = 0
    if (linksKey === this.linksKey) {
      while (same < tokens.length && same < this.blocks.length && this.blocks[same]?.raw === tokens[same]?.raw) same += 1
    }
    this.linksKey = linksKey
    for (const block of this.blocks.splice(same)) for (const node of block.nodes) node.remove()
    for (const token of tokens.slice(same)) {
      const fragment = renderTokens([token])
      const nodes = [...fragment.childNodes]
      this.root.append(fragment)
      this.blocks.push({raw: token.raw, nodes})
    }
  }
}
