import type * as Yaml from 'yaml'

/** What the yaml package hands us: its `visit`. */
type YamlModule = Pick<typeof Yaml, 'visit'>

/**
 * The 1-based line where a YAML error starts. The parser reports an unclosed `[`, `{` or quote
 * where it gave up (the next line, or the end of the file), which points the user at a line that is
 * fine; when an unclosed flow collection or quoted scalar begins before the error, its first line
 * is where the problem is. Otherwise the line of the error's offset. Needs the document parsed with
 * `keepSourceTokens` (whether a collection was closed is only in its source tokens).
 */
export function yamlErrorLine(yaml: YamlModule, text: string, doc: Yaml.Document, error: Yaml.YAMLError): number | undefined {
  const at = error.pos[0]
  if (at < 0) return undefined
  let start = at
  const consider = (range: Yaml.Range | null | undefined, closed: boolean) => {
    if (!closed && range && range[0] < start && range[2] + 1 >= at) start = range[0]
  }
  yaml.visit(doc, {
    Collection(_key, node) {
      const token = node.srcToken
      if (node.flow && token?.type === 'flow-collection')
        consider(
          node.range,
          token.end.some((t) => t.type === 'flow-seq-end' || t.type === 'flow-map-end'),
        )
    },
    Scalar(_key, node) {
      const token = node.srcToken
      if (token?.type === 'double-quoted-scalar') consider(node.range, /^".*(?<!\\)(\\\\)*"$/s.test(token.source))
      else if (token?.type === 'single-quoted-scalar') consider(node.range, token.source.length > 1 && token.source.endsWith("'"))
    },
  })
  return lineOf(text, start)
}

function lineOf(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}
