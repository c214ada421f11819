// @ts-check
import {el} from './dom.js'

/**
 * Renders the `diff` of a `conversation.rebuilt` record as +/- lines. The server may send the
 * structured output of json-diff's `diff()` (`{key: {__old, __new}}`, `key__added`,
 * `key__deleted`, arrays of `[op, value]`) or its text form (`diffString`); both are handled, and
 * anything else is shown as JSON.
 */
/** @typedef {{sign: '+' | '-' | ' ', text: string}} DiffLine */

/**
 * @param {unknown} diff
 * @returns {DiffLine[]}
 */
export function diffLines(diff) {
  if (diff === null || diff === undefined) return []
  if (typeof diff === 'string') return textDiffLines(diff)
  /** @type {DiffLine[]} */
  const out = []
  walk(diff, '', out)
  return out
}

/** @param {unknown} diff */
export function diffView(diff) {
  const lines = diffLines(diff)
  const pre = el('pre', {class: 'diff', testid: 'rebuild-diff'})
  if (lines.length === 0) {
    pre.append(el('span', {class: 'diff-line same', text: 'no field-level differences'}))
    return pre
  }
  for (const line of lines) {
    const kind = line.sign === '+' ? 'add' : line.sign === '-' ? 'del' : 'same'
    pre.append(el('span', {class: `diff-line ${kind}`, text: `${line.sign} ${line.text}`}), '\n')
  }
  return pre
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

/**
 * @param {string} text
 * @returns {DiffLine[]}
 */
function textDiffLines(text) {
  return text
    .replace(ANSI, '')
    .split('\n')
    .filter((line, i, all) => !(line === '' && i === all.length - 1))
    .map((line) => {
      const sign = line[0] === '+' ? '+' : line[0] === '-' ? '-' : ' '
      return {sign, text: sign === ' ' ? line.replace(/^ /, '') : line.slice(1).replace(/^ /, '')}
    })
}

/** @param {unknown} value */
const show = (value) => {
  try {
    return JSON.stringify(value) ?? 'undefined'
  } catch {
    return String(value)
  }
}

/**
 * @param {string} path
 * @param {string} key
 */
const keyPath = (path, key) => (path ? `${path}.${key}` : key)

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
const isContainer = (value) => value !== null && typeof value === 'object'

/**
 * @param {unknown} node
 * @param {string} path
 * @param {DiffLine[]} out
 */
function walk(node, path, out) {
  if (Array.isArray(node)) {
    walkArray(node, path, out)
    return
  }
  if (!isContainer(node)) return
  const keys = Object.keys(node)
  if (keys.length === 2 && '__old' in node && '__new' in node) {
    out.push({sign: '-', text: `${path || '(value)'}: ${show(node.__old)}`})
    out.push({sign: '+', text: `${path || '(value)'}: ${show(node.__new)}`})
    return
  }
  for (const key of keys) {
    const value = node[key]
    if (key.endsWith('__added')) out.push({sign: '+', text: `${keyPath(path, key.slice(0, -'__added'.length))}: ${show(value)}`})
    else if (key.endsWith('__deleted')) out.push({sign: '-', text: `${keyPath(path, key.slice(0, -'__deleted'.length))}: ${show(value)}`})
    else if (isContainer(value)) walk(value, keyPath(path, key), out)
  }
}

/**
 * @param {readonly unknown[]} entries
 * @param {string} path
 * @param {DiffLine[]} out
 */
function walkArray(entries, path, out) {
  let oldIndex = 0
  let newIndex = 0
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      // Not a json-diff array diff: a plain (unchanged, full-mode) array.
      return
    }
    const [op, value] = entry
    if (op === '-') {
      out.push({sign: '-', text: `${path}[${oldIndex}]: ${show(value)}`})
      oldIndex += 1
    } else if (op === '+') {
      out.push({sign: '+', text: `${path}[${newIndex}]: ${show(value)}`})
      newIndex += 1
    } else {
      if (op === '~') walk(value, `${path}[${newIndex}]`, out)
      oldIndex += 1
      newIndex += 1
    }
  }
}
