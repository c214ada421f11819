import {mkdirSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import type {Browser, Page} from 'playwright-core'
import {launchChromium} from './launch-chromium.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadEngineBuilder, watchServerConfig, type ConfigWatcher} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'

/**
 * What each layer did, in a real browser against the real server: a plugin middleware (the example
 * plugin's `shout`) revises the answer, the run's middleware trace and timeline are drawn, and a
 * broken config save under --watch shows a banner until a good save recovers. Screenshots go to
 * test-artifacts/ (git-ignored; CI keeps them).
 */
const SCREENSHOTS = resolve(import.meta.dirname, '../../../test-artifacts')
const EXAMPLE_PLUGIN = resolve(import.meta.dirname, '../../../examples/jiminy-plugin-example/plugin.js')

const configYaml = `plugins: ["${EXAMPLE_PLUGIN}"]
profiles:
  default:
    description: mock with calc, answers shouted by the example plugin
    provider: {type: mock, delay_ms: 15}
    tools: [calc]
    middlewares: [{name: tool-result-reorder}, {name: shout, config: {suffix: "!"}}]
`

let dir: string
let configPath: string
let server: RunningServer
let watcher: ConfigWatcher
let browser: Browser
let reloads = 0

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, {recursive: true})
  dir = await mkdtemp(join(tmpdir(), 'jiminy-insights-'))
  configPath = join(dir, 'jiminy.yaml')
  await writeFile(configPath, configYaml)
  const builder = await loadEngineBuilder({configPath, dataDir: false})
  server = await startServer({port: 0, logLevel: 'silent', builder})
  watcher = watchServerConfig({
    manager: server.manager,
    notices: server.manager,
    logger: {info: () => undefined, error: () => undefined},
    dataDir: false,
    debounceMs: 40,
    onReloaded: () => reloads++,
    onFailed: () => reloads++,
  })
  await watcher.ready
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await watcher?.close()
  await server?.close()
  if (dir) await rm(dir, {recursive: true, force: true})
})

async function openPage(): Promise<{page: Page; problems: string[]}> {
  const context = await browser.newContext({viewport: {width: 1100, height: 900}, colorScheme: 'light', deviceScaleFactor: 2})
  const page = await context.newPage()
  page.setDefaultTimeout(10_000)
  const problems: string[] = []
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`console: ${m.text()}`)
  })
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

async function save(text: string): Promise<void> {
  const seen = reloads
  await writeFile(configPath, text)
  await expect.poll(() => reloads, {timeout: 10_000}).toBeGreaterThan(seen)
}

describe('run insights in the page', () => {
  let page: Page
  let problems: string[]

  it('shows the answer a middleware revised, marked "revised by shout"; the trace and the timeline of the run', async () => {
    ;({page, problems} = await openPage())
    await page.getByTestId('prompt-input').fill('what is 2+3? /tool')
    await page.getByTestId('send-button').click()
    const run = page.locator('article.run').last()
    await expect.poll(() => run.getAttribute('data-status'), {timeout: 15_000}).toBe('completed')

    const answer = run.getByTestId('assistant-message').last()
    const text = (await answer.getByTestId('assistant-text').textContent()) ?? ''
    expect(text.trim().length).toBeGreaterThan(0)
    expect(text).toBe(text.toUpperCase())
    expect(text.trim().endsWith('!')).toBe(true)
    expect(await answer.getByTestId('revised-badge').textContent()).toBe('revised by shout')

    // The trace: each middleware of each round, with a duration and a diff.
    const trace = run.getByTestId('trace-panel')
    await trace.locator('summary').click()
    const calls = trace.getByTestId('trace-call')
    expect(await calls.count()).toBe(4)
    expect(await calls.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name))).toEqual([
      'tool-result-reorder',
      'shout',
      'tool-result-reorder',
      'shout',
    ])
    for (const d of await trace.getByTestId('trace-duration').allTextContents()) expect(d).toMatch(/\d+(\.\d+)? m?s \(self /)
    expect(await trace.locator('[data-name="shout"] .trace-diff.changed').first().textContent()).toMatch(/response ~ llm_text/)

    // The timeline: two inferences and the calc call, drawn as bars.
    const timeline = run.getByTestId('timeline-panel')
    await timeline.locator('summary').click()
    const chart = timeline.getByTestId('timeline-chart')
    expect(await chart.locator('rect.wf-bar.inference').count()).toBe(2)
    expect(await chart.locator('rect.wf-bar.tool').count()).toBe(1)
    expect(await timeline.locator('summary').textContent()).toMatch(/total .* · first token .* · 2 inferences · 1 tool call/)

    // The raw frames of a message, for debugging: the revision is there as the server sent it.
    const raw = answer.getByTestId('raw-frames')
    await raw.locator('summary').click()
    // Filled when the panel opens: wait for it rather than read at once (a loaded machine is slow).
    await expect.poll(() => raw.getByTestId('raw-frames-text').textContent(), {timeout: 10_000}).toContain('"revised":{"by":["shout"]}')
    await raw.locator('summary').click()

    await run.screenshot({path: resolve(SCREENSHOTS, 'run-trace-timeline.png')})
    await trace.screenshot({path: resolve(SCREENSHOTS, 'trace-panel.png')})
    await timeline.screenshot({path: resolve(SCREENSHOTS, 'timeline.png')})
    expect(problems).toEqual([])
  })

  it('a broken YAML save shows a banner naming the file and line; a good save says recovered; the rebuild names the file', async () => {
    await save(`${configYaml}    loop: {max_iterations: [oops\n`)
    const banner = page.getByTestId('server-banner')
    await banner.waitFor()
    expect(await banner.getAttribute('data-kind')).toBe('reload-failed')
    expect(await banner.getByTestId('server-banner-detail').textContent()).toMatch(
      new RegExp(`${configPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+: invalid YAML`),
    )
    await page.screenshot({path: resolve(SCREENSHOTS, 'reload-error-banner.png')})

    await save(configYaml.replace('description: mock', 'system_prompt: be loud\n    description: mock'))
    await expect.poll(() => banner.getAttribute('data-kind').catch(() => null)).not.toBe('reload-failed')
    expect(await page.getByTestId('server-banner').getAttribute('data-kind')).toBe('recovered')

    await page.getByTestId('prompt-input').fill('hello again')
    await page.getByTestId('send-button').click()
    const notice = page.getByTestId('rebuild-notice').last()
    await notice.waitFor({timeout: 15_000})
    expect(await notice.getByTestId('rebuild-source').textContent()).toBe(`config file ${configPath}`)
    expect(problems).toEqual([])
  })
})
