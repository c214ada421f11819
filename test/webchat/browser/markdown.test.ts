import {mkdirSync} from 'node:fs'
import {resolve} from 'node:path'
import type {Browser, Page} from 'playwright-core'
import {launchChromium} from './launch-chromium.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'
import {startEchoProvider, type EchoProvider} from './echo-provider.js'

/**
 * Assistant answers as markdown, in a real browser against the real server. The answers come from
 * an echo provider (the prompt streamed back verbatim through the openai-compatible engine), so a
 * prompt is exactly the markdown the page renders. Fails (never skips) without Debian's chromium.
 */
const SCREENSHOTS = resolve(import.meta.dirname, '../../../test-artifacts')

let server: RunningServer
let echo: EchoProvider
let browser: Browser

beforeAll(async () => {
  echo = await startEchoProvider({chunkChars: 9, delayMs: 5})
  const config = `
profiles:
  default:
    description: echoes the prompt back as the answer (markdown test)
    provider: {type: openai-compatible, model: echo-1, base_url: "${echo.baseUrl}"}
`
  server = await startServer({port: 0, config: parseConfigText(config, 'markdown.test.ts'), logLevel: 'silent'})
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await echo?.close()
})

interface Watched {
  page: Page
  /** Page errors, CSP violations (event and console), dialogs (alert…), and calls of the `pwned` binding. */
  problems: string[]
}

async function openPage(): Promise<Watched> {
  const context = await browser.newContext({viewport: {width: 1100, height: 900}, colorScheme: 'light', deviceScaleFactor: 2})
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: server.url})
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`)
  })
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`)
    void d.dismiss()
  })
  // What a payload calls if it ever runs; and every CSP violation the document reports.
  await page.exposeFunction('pwned', (what: string) => problems.push(`script ran: ${what}`))
  await page.exposeFunction('cspViolation', (what: string) => problems.push(`csp violation: ${what}`))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      ;(window as unknown as {cspViolation(s: string): void}).cspViolation(`${e.violatedDirective} ${e.blockedURI}`)
    })
  })
  await page.goto(server.url)
  await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('open')
  return {page, problems}
}

async function ask(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt-input').fill(prompt)
  await page.getByTestId('send-button').click()
  const answer = page.getByTestId('assistant-message').last()
  await expect.poll(() => answer.getAttribute('aria-busy'), {timeout: 15_000}).toBe('false')
  await page.getByTestId('cancel-button').waitFor({state: 'hidden'})
}

const CODE = `import {readFile} from 'node:fs/promises'

/** Counts the lines of a file. */
export async function countLines(path: string): Promise<number> {
  const text = await readFile(path, 'utf8')
  return text.split('\\n').length // 42 for this one
}`

const MARKDOWN_ANSWER = `## Counting lines

Here is a **small** helper; call it with \`countLines('README.md')\`:

\`\`\`ts
${CODE}
\`\`\`

- reads the file *once*
- splits on newlines

| input | lines |
| --- | --- |
| empty file | 1 |
`

describe('markdown answers', () => {
  it('renders a fenced code block highlighted, with copy buttons for the block and the message', async () => {
    const {page, problems} = await openPage()
    await ask(page, MARKDOWN_ANSWER)
    const text = page.getByTestId('assistant-text').last()
    expect(await text.locator('h2').textContent()).toBe('Counting lines')
    expect(await text.locator('strong').textContent()).toBe('small')
    expect(await text.locator('p code').first().textContent()).toBe("countLines('README.md')")
    expect(await text.locator('ul > li').count()).toBe(2)
    expect(await text.locator('table td').first().textContent()).toBe('empty file')

    const block = text.getByTestId('code-block')
    expect(await block.count()).toBe(1)
    const code = block.locator('pre > code')
    expect(await code.getAttribute('class')).toContain('hljs')
    expect(await code.getAttribute('class')).toContain('language-ts')
    expect(await code.textContent()).toBe(CODE)
    // Highlighted: keywords, strings, comments and types are spans that carry highlight.js classes.
    expect(await code.locator('.hljs-keyword').count()).toBeGreaterThan(3)
    expect(await code.locator('.hljs-string').count()).toBeGreaterThan(0)
    expect(await code.locator('.hljs-comment').count()).toBeGreaterThan(0)
    // The theme applies (a keyword is coloured differently from plain code text).
    const colours = await code.evaluate((c) => ({
      keyword: getComputedStyle(c.querySelector('.hljs-keyword')!).color,
      plain: getComputedStyle(c).color,
    }))
    expect(colours.keyword).not.toBe(colours.plain)
    expect(await block.locator('.code-lang').textContent()).toBe('ts')

    await block.getByTestId('copy-code').click()
    await expect.poll(() => block.getByTestId('copy-code').textContent()).toBe('Copied')
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(CODE)

    const message = page.getByTestId('assistant-message').last()
    await message.hover()
    await message.getByTestId('copy-message').click()
    await expect.poll(() => message.getByTestId('copy-message').textContent()).toBe('Copied')
    // The composer trims what it sends; the message's source is what the model answered.
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(MARKDOWN_ANSWER.trim())

    mkdirSync(SCREENSHOTS, {recursive: true})
    await page.mouse.move(0, 0)
    await page.waitForTimeout(1700) // the "Copied" feedback fades back to "Copy"
    await message.screenshot({path: resolve(SCREENSHOTS, 'markdown-answer.png')})
    await page.screenshot({path: resolve(SCREENSHOTS, 'markdown-page.png')})
    await page.emulateMedia({colorScheme: 'dark'})
    await expect.poll(() => code.evaluate((c) => getComputedStyle(c.querySelector('.hljs-keyword')!).color)).not.toBe(colours.keyword)
    await message.screenshot({path: resolve(SCREENSHOTS, 'markdown-answer-dark.png')})
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('copies through the textarea fallback when navigator.clipboard is missing', async () => {
    const {page, problems} = await openPage()
    await ask(page, 'Run:\n\n```bash\necho fallback\n```\n')
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true}))
    const button = page.getByTestId('copy-code').last()
    await button.click()
    await expect.poll(() => button.textContent()).toBe('Copied')
    expect(await page.evaluate(() => document.querySelector('.clipboard-buffer'))).toBeNull()
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('re-renders while streaming but keeps the nodes of blocks that are finished', async () => {
    const {page, problems} = await openPage()
    const first = 'The first paragraph is done early.'
    const rest = Array.from({length: 19}, (_, i) => `Paragraph ${i + 2} keeps the stream going for a while.`).join('\n\n')
    await page.getByTestId('prompt-input').fill(`${first}\n\n${rest}`)
    await page.getByTestId('send-button').click()
    const text = page.getByTestId('assistant-text').last()
    // Once a second block streams in, the first is final: tag its node and check it survives the stream.
    await text.locator('p').nth(1).waitFor()
    expect(await page.getByTestId('assistant-message').last().getAttribute('aria-busy')).toBe('true')
    await text
      .locator('p')
      .first()
      .evaluate((p) => ((p as HTMLElement & {tagged?: boolean}).tagged = true))
    await expect.poll(() => page.getByTestId('assistant-message').last().getAttribute('aria-busy'), {timeout: 15_000}).toBe('false')
    expect(await text.locator('p').count()).toBe(20)
    expect(
      await text
        .locator('p')
        .first()
        .evaluate((p) => (p as HTMLElement & {tagged?: boolean}).tagged === true),
    ).toBe(true)
    expect(await text.locator('p').last().textContent()).toBe('Paragraph 20 keeps the stream going for a while.')
    expect(problems).toEqual([])
    await page.context().close()
  })
})

/** Each payload calls `pwned(...)` if it ever runs. */
const HOSTILE = [
  `<script>pwned('script tag')</script>`,
  `<img src=x onerror="pwned('img onerror')">`,
  `[click me](javascript:pwned(1))`,
  `<a href="javascript:pwned('html link')">html link</a>`,
  `<svg onload="pwned('svg onload')"></svg>`,
  `<iframe src="javascript:pwned('iframe')"></iframe>`,
  `<div style="background:url(https://example.invalid/x.png)">styled</div>`,
  `![tracker](https://example.invalid/pixel.png)`,
  `<details open ontoggle="pwned('details ontoggle')">x</details>`,
  `[data link](data:text/html;base64,PHNjcmlwdD5wd25lZCgnZGF0YScpPC9zY3JpcHQ+)`,
]

describe('hostile answers', () => {
  it('render inert: no script runs, no CSP violation, raw HTML shows as text', async () => {
    const {page, problems} = await openPage()
    const answer = `Some hostile answers:\n\n${HOSTILE.join('\n\n')}\n\nInline too: <img src=y onerror="pwned('inline img')"> and <b onmouseover="pwned('hover')">bold</b>.\n`
    await ask(page, answer)
    const text = page.getByTestId('assistant-text').last()
    // Raw HTML in the answer is shown as what it is, never parsed.
    expect(await text.textContent()).toContain(`<script>pwned('script tag')</script>`)
    expect(await text.textContent()).toContain(`<img src=x onerror="pwned('img onerror')">`)
    expect(await text.locator('script, img, iframe, svg, style, [onerror], [onload], [style]').count()).toBe(0)
    // javascript: and data: links keep their text but lose their target; clicking them does nothing.
    for (const name of ['click me', 'data link']) {
      const link = text.locator('a', {hasText: name})
      expect(await link.count()).toBe(1)
      const href = await link.getAttribute('href')
      expect(href === null || !/^(javascript|data):/i.test(href)).toBe(true)
      await link.click()
    }
    // A remote image is not loaded: it becomes a link.
    expect(await text.locator('a.md-image-link').getAttribute('href')).toBe('https://example.invalid/pixel.png')
    await text
      .getByText('bold')
      .hover()
      .catch(() => undefined)
    // The user's own prompt is text too.
    expect(await page.getByTestId('user-message').last().locator('img, script').count()).toBe(0)
    expect(await page.getByTestId('user-message').last().textContent()).toContain(`<img src=x onerror=`)
    await page.waitForTimeout(300)
    mkdirSync(SCREENSHOTS, {recursive: true})
    await page
      .getByTestId('assistant-message')
      .last()
      .screenshot({path: resolve(SCREENSHOTS, 'markdown-hostile.png')})
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('the sanitizer alone (raw HTML straight into DOMPurify) leaves nothing that runs or fetches', async () => {
    const {page, problems} = await openPage()
    const payloads = [
      ...HOSTILE,
      `<img src="https://example.invalid/a.png" onerror="pwned('remote img')">`,
      `<a href="  jAvAsCrIpT:pwned('mixed case')">x</a>`,
      `<math><mtext><table><mglyph><style><img src=x onerror="pwned('mxss')">`,
      `<form action="javascript:pwned('form')"><button>go</button></form>`,
      `<video poster="https://example.invalid/p.png" src=x onerror="pwned('video')"></video>`,
    ]
    // A string, so the page's own import() runs (not one rewritten by the test runner). Parsing
    // raw handlers makes Chromium report (and block) them even in DOMPurify's inert document: those
    // reports are allowed here, nothing after the sanitized nodes join the page is.
    await page.evaluate(`(async (list) => {
      const {sanitize} = await import('/markdown.js')
      const host = document.createElement('div')
      host.id = 'sanitized'
      for (const html of list) host.append(sanitize(html))
      window.sanitizedForTest = host
    })(${JSON.stringify(payloads)})`)
    await page.waitForTimeout(200)
    const whileParsing = problems.splice(0)
    expect(
      whileParsing.filter(
        (p) =>
          !/^(csp violation: (script-src-attr|style-src-elem|style-src-attr) inline|console: .*(inline event handler|inline style))/.test(
            p,
          ),
      ),
    ).toEqual([])
    const left = (await page.evaluate(`(() => {
      const host = window.sanitizedForTest
      document.body.append(host)
      for (const a of host.querySelectorAll('a')) a.click()
      return {
        dangerous: host.querySelectorAll('script, iframe, svg, math, style, form, button, video, img[src], [onerror], [onload], [style]').length,
        hrefs: [...host.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
        blocked: [...host.querySelectorAll('[data-blocked-src]')].map((n) => n.getAttribute('data-blocked-src')),
      }
    })()`)) as {dangerous: number; hrefs: (string | null)[]; blocked: string[]}
    expect(left.blocked).toContain('https://example.invalid/a.png')
    expect(left.dangerous).toBe(0)
    expect(left.hrefs.filter((h) => /^\s*(javascript|data):/i.test(h ?? ''))).toEqual([])
    await page.waitForTimeout(300)
    expect(problems).toEqual([])
    await page.context().close()
  })
})

describe('page globals and frames', () => {
  it('puts nothing on window but the documented debug handle', async () => {
    const {page, problems} = await openPage()
    // Baseline: a blank same-origin frame has the same browser globals and none of the page's.
    const extra = await page.evaluate(() => {
      const frame = document.createElement('iframe')
      document.body.append(frame)
      const baseline = new Set(Object.getOwnPropertyNames(frame.contentWindow))
      frame.remove()
      return Object.getOwnPropertyNames(window).filter((n) => !baseline.has(n))
    })
    // `pwned` and `cspViolation` are this test's own bindings (exposeFunction), not the page's.
    expect(extra.filter((n) => n !== 'pwned' && n !== 'cspViolation').sort()).toEqual(['jiminy'])
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('starts the view over when the server says its seqs restarted (ws.replay reset)', async () => {
    const {page, problems} = await openPage()
    await ask(page, 'First **answer**.')
    await ask(page, 'Second answer with `code`.')
    await page
      .getByTestId('run')
      .first()
      .evaluate((run) => run.classList.add('before-reset'))
    // As after a server restart: the page's cursor is beyond the conversation's last seq.
    await page.evaluate(() => {
      const socket = (window as unknown as {jiminy: {state: {socket: {lastSeq: number; reconnectNow(): void}}}}).jiminy.state.socket
      socket.lastSeq = 999
      socket.reconnectNow()
    })
    await expect
      .poll(() => page.evaluate(() => (window as unknown as {jiminy: {socketStats(): {connects: number}}}).jiminy.socketStats().connects))
      .toBeGreaterThanOrEqual(3)
    const answers = async () => (await page.getByTestId('assistant-text').allTextContents()).map((t) => t.trim())
    await expect.poll(answers).toEqual(['First answer.', 'Second answer with code.'])
    expect(await page.getByTestId('run').count()).toBe(2)
    // The view was rebuilt from the replay (not kept), and the cursor is the server's again.
    expect(await page.locator('.before-reset').count()).toBe(0)
    const lastSeq = await page.evaluate(
      () => (window as unknown as {jiminy: {state: {socket: {lastSeq: number}}}}).jiminy.state.socket.lastSeq,
    )
    expect(lastSeq).toBeGreaterThan(5)
    expect(lastSeq).toBeLessThan(999)
    expect(await page.getByTestId('user-message').locator('.msg-text').allTextContents()).toEqual([
      'First **answer**.',
      'Second answer with `code`.',
    ])
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('shows a revised final (text replaced, "revised by" badge) and a server notice, from frames', async () => {
    const {page, problems} = await openPage()
    // Frames as the server sends them (DESIGN §3), fed to the page's socket after its current seq.
    await page.evaluate(() => {
      const socket = (window as unknown as {jiminy: {state: {socket: {lastSeq: number; receive(data: string): void}}}}).jiminy.state.socket
      let seq = socket.lastSeq
      const frame = (event: Record<string, unknown>) => socket.receive(JSON.stringify({sem: true, event: {...event, seq: ++seq}}))
      const run = {conv_id: 'c', inference_id: 'inf_revised'}
      frame({type: 'llm.start', id: 'msg_r', ...run, role: 'assistant', metadata: {model: 'm'}})
      frame({type: 'llm.delta', id: 'msg_r', ...run, delta: 'quiet *answer*', cumulative: 'quiet *answer*'})
      frame({type: 'llm.final', id: 'msg_r', ...run, text: 'quiet *answer*', stop_reason: 'stop'})
      frame({type: 'llm.final', id: 'msg_r', ...run, text: 'QUIET *ANSWER*', revised: {by: ['shout']}})
      frame({type: 'run.info', id: 'i1', ...run, message: 'max_iterations (5) reached', data: {}})
      frame({type: 'run.finished', id: 'inf_revised', ...run, status: 'completed', duration_ms: 12})
      frame({type: 'server.notice', id: 'n1', conv_id: 'c', level: 'error', file: 'jiminy.yaml', line: 3, message: 'bad indentation'})
    })
    const message = page.getByTestId('assistant-message').last()
    await expect.poll(() => message.getByTestId('assistant-text').innerHTML()).toContain('<em>ANSWER</em>')
    expect((await message.getByTestId('assistant-text').textContent())?.trim()).toBe('QUIET ANSWER')
    expect(await message.getByTestId('revised-badge').textContent()).toBe('revised by shout')
    expect(await page.getByTestId('run').last().getAttribute('data-status')).toBe('completed')
    expect(await page.getByTestId('server-notice').textContent()).toContain('jiminy.yaml:3: bad indentation')
    expect(await page.getByTestId('run-info').textContent()).toContain('max_iterations (5) reached')
    expect(await page.getByTestId('log-line').count()).toBe(0)
    expect(problems).toEqual([])
    await page.context().close()
  })

  it('takes control frames SEM-wrapped (DESIGN §3) as well as bare', async () => {
    const {page, problems} = await openPage()
    await page.evaluate(() => {
      const socket = (window as unknown as {jiminy: {state: {socket: {receive(data: string): void}}}}).jiminy.state.socket
      socket.receive(JSON.stringify({sem: true, event: {type: 'ws.error', id: 'ws.error:1', code: 'bad', message: 'wrapped error'}}))
      socket.receive(JSON.stringify({type: 'ws.error', code: 'bad', message: 'bare error'}))
    })
    const notices = page.getByTestId('ws-error')
    await expect
      .poll(() => notices.allTextContents())
      .toEqual([expect.stringContaining('wrapped error'), expect.stringContaining('bare error')])
    expect(problems).toEqual([])
    await page.context().close()
  })
})
