import {createRequire} from 'node:module'
import {rootHelpModel, type HelpCommand, type HelpTopic, type RootHelpModel} from './root-help-model.js'

// `jiminy`, `jiminy --help`, `jiminy -h` and `jiminy help` without @oclif/core: loading oclif alone
// is ≈2× `node -e 0`, rendering root help from the manifests is a few small modules. This mirrors
// oclif's Help.showRootHelp and HelpFormatter (@oclif/core 4) line for line, with the very modules
// oclif wraps and measures text with (wrap-ansi, string-width…, resolved from @oclif/core), and
// gives up (undefined) where rootHelpModel does. root-help.test.ts compares it with oclif's output.

type Wrap = (text: string, columns: number, options: {hard: boolean}) => string
type Measure = (text: string) => number
type Indent = (text: string, count: number) => string
interface Ansis {
  bold(text: string): string
  strip(text: string): string
}

interface Tools {
  readonly wrap: Wrap
  readonly stringWidth: Measure
  readonly widestLine: Measure
  readonly indent: Indent
  readonly ansis: Ansis
  readonly colour: boolean
}

/** The argument lists oclif answers with root help (given `-h` among pjson.oclif.additionalHelpFlags). */
export function isRootHelpArgv(argv: readonly string[]): boolean {
  return argv.length === 0 || (argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0]!))
}

/** Root help as oclif prints it to stdout, or undefined when oclif must render it. */
export function rootHelpText(root: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!isRootHelpArgv(argv)) return undefined
  const model = rootHelpModel(root, env)
  if (!model) return undefined
  if (argv[0] === '-h' && !model.helpFlags.includes('-h')) return undefined
  if (argv[0] === 'help' && !model.commands.some((c) => c.id === 'help')) return undefined
  const load = createRequire(model.oclifEntry)
  const interop = (m: unknown): unknown => ((m as {__esModule?: boolean}).__esModule ? (m as {default: unknown}).default : m)
  // oclif's supportsColor() (lib/ux/supports-color.js): both streams.
  const supports = load('supports-color') as {stdout: unknown; stderr: unknown}
  const tools: Tools = {
    wrap: interop(load('wrap-ansi')) as Wrap,
    stringWidth: interop(load('string-width')) as Measure,
    widestLine: interop(load('widest-line')) as Measure,
    indent: interop(load('indent-string')) as Indent,
    ansis: interop(load('ansis')) as Ansis,
    colour: Boolean(supports.stdout) && Boolean(supports.stderr),
  }
  const width = Number.parseInt(env.OCLIF_COLUMNS ?? '', 10) || termWidth(process.stdout)
  try {
    return renderRootHelp(model, tools, width)
  } catch (error) {
    if (error instanceof Unmirrored) return undefined
    throw error
  }
}

/** oclif's screen.termwidth. */
function termWidth(stream: NodeJS.WriteStream): number {
  if (!stream.isTTY) return 80
  const width = stream.getWindowSize()[0] ?? 0
  return width < 1 ? 80 : width < 40 ? 40 : width
}

class Unmirrored extends Error {}

function renderRootHelp(model: RootHelpModel, t: Tools, maxWidth: number): string {
  // ejs templates: only `<%= config.bin %>` is mirrored.
  const render = (text: string): string => {
    const out = text.replaceAll(/<%=\s*config\.bin\s*%>/g, model.bin)
    if (out.includes('<%')) throw new Unmirrored()
    return out
  }
  const wrap = (body: string, spacing = 2) => t.wrap(render(body), maxWidth - spacing, {hard: true})
  const bold = (text: string) => (t.colour ? t.ansis.bold(text) : text)
  const section = (header: string, body: string) => [bold(header), t.indent(render(body), 2)].join('\n')
  const colon = (id: string) => (model.topicSeparator === ':' ? id : id.replaceAll(':', model.topicSeparator))

  const lines = render(model.description).split('\n')
  const root = [
    lines[0],
    section('VERSION', wrap(model.userAgent)),
    section('USAGE', wrap(`$ ${model.bin} [COMMAND]`)),
    lines.slice(1).join('\n') ? section('DESCRIPTION', wrap(lines.slice(1).join('\n'))) : undefined,
  ]
    .filter(Boolean)
    .join('\n\n')
  let out = `${root}\n\n`

  // Help._topics: a topic with a child; sorted, visible, top level.
  const withChild = model.topics.filter((topic) => model.topics.some((sub) => sub.name.includes(`${topic.name}:`)))
  const topics = uniqueSorted(
    withChild.filter((x) => !x.hidden),
    (x) => x.name,
  ).filter((x) => !x.name.includes(':'))
  const commands = uniqueSorted(
    model.commands.filter((c) => !c.hidden),
    (c) => c.id,
  ).filter((c) => !c.id.includes(':') && c.id)
  if (topics.length > 0) {
    const rows = topics.map((x: HelpTopic): Row => [colon(x.name), x.description && render(x.description.split('\n')[0]!)])
    out += `${section('TOPICS', renderList(rows, t, wrap))}\n\n`
  }
  if (commands.length > 0) {
    const summary = (c: HelpCommand) =>
      c.summary ? render(c.summary.split('\n')[0]!) : c.description && render(c.description).split('\n')[0]
    const rows = commands.map((c): Row => {
      const s = summary(c)
      return [colon(c.id), s && t.ansis.strip(s)]
    })
    out += `${section('COMMANDS', renderList(rows, t, wrap))}\n\n`
  }
  return out
}

type Row = readonly [string, string | undefined]

/** oclif's sortBy (`<` order) then uniqBy (keeps the last of equal keys). */
function uniqueSorted<T>(items: readonly T[], key: (item: T) => string): T[] {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  return sorted.filter((a, i) => !sorted.some((b, j) => j > i && key(b) === key(a)))
}

/** HelpFormatter.renderList with {indentation: 2, spacer: '\n'}. */
function renderList(input: readonly Row[], t: Tools, wrap: (body: string, spacing?: number) => string): string {
  const indentation = 2
  const multiline = () => {
    let output = ''
    for (const [left, right] of input) {
      if (!left && !right) continue
      if (left) output += wrap(left.trim(), indentation)
      if (right) output += `\n${t.indent(wrap(right.trim(), indentation + 2), 4)}`
      output += '\n\n'
    }
    return output.trim()
  }
  const maxLength = t.widestLine(input.map((i) => i[0]).join('\n'))
  let output = ''
  let cur = ''
  for (const [left, r] of input) {
    if (cur) output += `\n${cur}`
    cur = left || ''
    if (!r) {
      cur = cur.trim()
      continue
    }
    const [first, ...rest] = wrap(r.trim(), indentation + maxLength + 2)
      .split('\n')
      .map((s) => s.trim())
    cur += ' '.repeat(maxLength - t.stringWidth(cur) + 2)
    cur += first ?? ''
    if (rest.length === 0) continue
    if (rest.length > 4) return multiline()
    cur += `\n${t.indent(rest.join('\n'), maxLength + 2)}`
  }
  if (cur) output += `\n${cur}`
  return output.trim()
}
