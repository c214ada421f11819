import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {loadEngineBuilder, watchServerConfig, type ConfigWatcher} from '../../src/engine/index.js'
import {startServer, type RunningServer} from '../../src/webchat/index.js'
import {launchChromium} from '../webchat/browser/launch-chromium.js'

/**
 * The chat page's issue-24 items in Debian's chromium against the real server (mock engine, a
 * config file under --watch): the phone layout, pauses closed by a cancel, rebuild notices placed by
 * seq, the profile list refreshed after a reload, titles from the server, fences labelled only by
 * their name, skipped/denied tool badges. Fails (never skips) without /usr/bin/chromium.
 */
const CONFIG = `
profiles:
  default:
    description: mock engine for the page test
    default_prompt: "what is 2+3? /tool"
    provider: {type: mock, model: mock-1, delay_ms: 2}
  step:
    description: mock engine in step mode
    provider: {type: mock, model: mock-1, delay_ms: 2}
    step_mode: true
`

let dir: string
let configPath: string
let server: RunningServer
let watcher: ConfigWatcher
let browser: Browser

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-page-items-'))
  configPath = join(dir, 'jiminy.yaml')
  await writeFile(configPath, CONFIG)
  const builder = await loadEngineBuilder({configPath, dataDir: false})
  server = await startServer({port: 0, logLevel: 'silent', builder})
  watcher = watchServerConfig({
    manager: server.manager,
    notices: server.manager,
    logger: {info: () => undefined, error: () => undefined},
    dataDir: false,
    debounceMs: 40,
  })
  await watcher.ready
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await watcher?.close()
  await server?.close()
  if (dir) await rm(dir, {recursive: true, force: true})
})

async function openPage(
  o: {width?: number; height?: number; hash?: string; context?: BrowserContext} = {},
): Promise<{page: Page; errors: string[]}> {
  const context = o.context ?? (await browser.newContext({viewport: {width: o.width ?? 1280, height: o.height ?? 860}}))
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text())
  })
  await page.goto(`${server.url}${o.hash ? `#${o.hash}` : ''}`)
  await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('open')
  return {page, errors}
}

async function send(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt-input').fill(prompt)
  await page.getByTestId('prompt-input').press('Enter')
}

const idle = (page: Page) => page.getByTestId('cancel-button').waitFor({state: 'hidden'})
const lastRun = (page: Page) => page.getByTestId('run').last()

describe('chat page, issue 24', () => {
  it('fits a 390 px phone: no horizontal overflow, Send visible, the conversation list is a drawer', async () => {
    const {page, errors} = await openPage({width: 390, height: 844})
    await send(page, 'a long one: https://example.com/a/very/long/url/that/does/not/break/anywhere/at/all/really/not/at/all /tool')
    await lastRun(page).getByTestId('tool-call').waitFor()
    await idle(page)
    const width = () => page.evaluate(() => document.documentElement.scrollWidth)
    expect(await width()).toBeLessThanOrEqual(390)
    const sendBox = await page.getByTestId('send-button').boundingBox()
    expect(sendBox).not.toBeNull()
    expect(sendBox!.x + sendBox!.width).toBeLessThanOrEqual(390)
    // The list is off screen until the drawer button opens it; picking a conversation closes it.
    const sidebar = page.locator('.sidebar')
    const onScreen = async () => {
      const box = await sidebar.boundingBox()
      return box !== null && box.x + box.width > 1
    }
    expect(await onScreen()).toBe(false)
    const toggle = page.getByTestId('drawer-toggle')
    expect(await toggle.isVisible()).toBe(true)
    expect(await toggle.getAttribute('aria-expanded')).toBe('false')
    await toggle.click()
    await expect.poll(onScreen).toBe(true)
    expect(await toggle.getAttribute('aria-expanded')).toBe('true')
    expect(await width()).toBeLessThanOrEqual(390)
    await page.getByTestId('conversation-item').first().click()
    await expect.poll(onScreen).toBe(false)
    // Escape closes it too.
    await toggle.click()
    await expect.poll(onScreen).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(onScreen).toBe(false)
    // On a wide screen there is no drawer: the list is always there.
    await page.setViewportSize({width: 1280, height: 860})
    await expect.poll(onScreen).toBe(true)
    expect(await toggle.isVisible()).toBe(false)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('skipped and denied tools say so; a cancel while a pause is open closes it, live and after a reload', async () => {
    const {page, errors} = await openPage()
    await page.getByTestId('profile-select').selectOption('step')
    // Skip: the proposed call is not run, its badge says skipped.
    await send(page, 'what is 2+3? /tool')
    const first = lastRun(page)
    await first.getByTestId('step-card').waitFor()
    await first.getByTestId('step-skip').click()
    await expect.poll(() => first.getByTestId('tool-status').first().textContent()).toBe('skipped')
    expect(await first.getByTestId('tool-call').first().getAttribute('data-status')).toBe('skipped')
    await idle(page)
    // Deny: the run ends, the badge says denied.
    await send(page, 'what is 2+3? /tool')
    const second = lastRun(page)
    await second.getByTestId('step-card').waitFor()
    await second.getByTestId('step-deny').click()
    await expect.poll(() => second.getByTestId('tool-status').first().textContent()).toBe('denied')
    await idle(page)
    // Cancel while the pause waits: no live Continue/Skip/Deny once the run ended.
    await send(page, 'what is 2+3? /tool')
    const third = lastRun(page)
    await third.getByTestId('step-card').waitFor()
    await page.getByTestId('cancel-button').click()
    await third.getByTestId('run-cancelled').waitFor()
    await idle(page)
    expect(await third.getByTestId('step-card').count()).toBe(0)
    expect(await third.getByTestId('step-continue').count()).toBe(0)
    // The server closed it on the wire: step.resumed with action cancelled for that pause.
    expect(await third.getByTestId('step-resolved').getAttribute('class')).toContain('action-cancelled')
    const pauseId = await third.getByTestId('step-resolved').getAttribute('data-pause-id')
    expect(pauseId).toMatch(/^pause_/)
    // After a reload the replay shows the same: every pause of the conversation resolved, none live.
    await page.reload()
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('open')
    await expect.poll(() => page.getByTestId('step-resolved').count()).toBe(3)
    expect(await page.getByTestId('step-card').count()).toBe(0)
    expect(await page.locator('[data-testid="step-continue"], [data-testid="step-skip"], [data-testid="step-deny"]').count()).toBe(0)
    expect(await lastRun(page).getByTestId('step-resolved').getAttribute('class')).toContain('action-cancelled')
    expect(await page.getByTestId('tool-status').allTextContents()).toEqual(expect.arrayContaining(['skipped', 'denied']))
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('places a rebuild notice by seq, above the run it caused, even when the POST answered first; none without runs', async () => {
    const {page, errors} = await openPage()
    // Frames straight into the page's socket, in the order a server sends them.
    const feed = (events: Record<string, unknown>[]) =>
      page.evaluate((list) => {
        const socket = (window as unknown as {jiminy: {state: {socket: {receive(data: string): void}}}}).jiminy.state.socket
        for (const event of list) socket.receive(JSON.stringify({sem: true, event}))
      }, events)
    const rebuilt = (seq: number) => ({
      type: 'conversation.rebuilt',
      id: `evt_r${seq}`,
      conv_id: 'x',
      seq,
      record: {reason: 'profile changed', source: 'request', from: 'aaa', to: 'bbb', diff: {}},
    })
    // A conversation with no run yet has nothing to explain.
    await feed([rebuilt(1)])
    expect(await page.getByTestId('rebuild-notice').count()).toBe(0)
    await feed([
      {type: 'user.message', id: 'blk_a', conv_id: 'x', inference_id: 'inf_a', seq: 2, text: 'first'},
      {type: 'run.finished', id: 'inf_a', conv_id: 'x', inference_id: 'inf_a', seq: 3, status: 'completed', duration_ms: 1},
    ])
    // The page sent a prompt and its POST answered before any frame of the run (the race of issue 24).
    await page.evaluate(() => {
      const transcript = (window as unknown as {jiminy: {transcript: {addPendingPrompt(t: string): {started(id: string): void}}}}).jiminy
        .transcript
      transcript.addPendingPrompt('second').started('inf_b')
    })
    await feed([rebuilt(4), {type: 'user.message', id: 'blk_b', conv_id: 'x', inference_id: 'inf_b', seq: 5, text: 'second'}])
    const order = await page
      .getByTestId('transcript')
      .evaluate((t) =>
        Array.from(t.children).map((c) => (c as HTMLElement).dataset.testid + ':' + ((c as HTMLElement).dataset.inferenceId ?? '')),
      )
    expect(order).toEqual(['run:inf_a', 'rebuild-notice:', 'run:inf_b'])
    expect(await page.getByTestId('rebuild-notice').count()).toBe(1)
    // The second run shows its prompt once.
    expect(await lastRun(page).getByTestId('user-message').count()).toBe(1)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('after a config reload refreshes the profile list and descriptions, and says what changed', async () => {
    const {page, errors} = await openPage()
    expect(await page.getByTestId('profile-select').locator('option').allTextContents()).toEqual(['default', 'step'])
    await writeFile(
      configPath,
      CONFIG.replace('description: mock engine for the page test', 'description: renamed engine') +
        `  fast:\n    description: a profile added while the page was open\n    provider: {type: mock, model: mock-1, delay_ms: 1}\n`,
    )
    const banner = page.getByTestId('profiles-banner')
    await banner.waitFor({timeout: 20_000})
    expect(await banner.getByTestId('profiles-banner-detail').textContent()).toMatch(/added fast; changed default/)
    await expect.poll(() => page.getByTestId('profile-select').locator('option').allTextContents()).toEqual(['default', 'fast', 'step'])
    await expect.poll(() => page.locator('#profile-description').textContent()).toBe('renamed engine')
    expect(await page.getByTestId('profile-select').inputValue()).toBe('default')
    await writeFile(configPath, CONFIG)
    await expect
      .poll(() => page.getByTestId('profile-select').locator('option').allTextContents(), {timeout: 20_000})
      .toEqual(['default', 'step'])
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('a conversation opened by URL in a fresh browser shows its server title, as plain text', async () => {
    const {page} = await openPage()
    await send(page, '**Bold** plan for `deploy` _today_')
    await lastRun(page).getByTestId('assistant-message').waitFor()
    await idle(page)
    // The browser that sent it shows plain text too (title and list).
    await expect.poll(() => page.getByTestId('conversation-title').textContent()).toBe('Bold plan for deploy today')
    const convId = await page.evaluate(() => (window as unknown as {jiminy: {state: {convId: string}}}).jiminy.state.convId)
    await page.context().close()

    const fresh = await openPage({hash: convId})
    await expect.poll(() => fresh.page.getByTestId('conversation-title').textContent()).toBe('Bold plan for deploy today')
    expect(await fresh.page.title()).toBe('Bold plan for deploy today · jiminy')
    const row = fresh.page.locator(`[data-testid="conversation-item"][data-conv-id="${convId}"]`)
    await expect.poll(() => row.locator('.conv-title').textContent()).toBe('Bold plan for deploy today')
    // Its history came from the server, prompt included (user.message, nothing in this browser's storage).
    await expect.poll(() => fresh.page.getByTestId('user-message').first().textContent()).toContain('**Bold** plan')
    expect(fresh.errors).toEqual([])
    await fresh.page.context().close()
  })

  it('labels a code fence only with the language it names', async () => {
    const {page} = await openPage()
    const labels = await page.evaluate(`(async () => {
      const {renderMarkdown} = await import('/markdown.js')
      const sources = [
        '\`\`\`\\nSELECT name FROM users WHERE id = 1;\\n\`\`\`',
        '\`\`\`\\n$ ls -la\\ntotal 0\\n\`\`\`',
        '\`\`\`sql\\nSELECT 1;\\n\`\`\`',
        '\`\`\`nosuchlang\\nx\\n\`\`\`',
      ]
      return sources.map((s) => {
        const host = document.createElement('div')
        host.append(renderMarkdown(s))
        return host.querySelector('.code-lang')?.textContent + '|' + host.querySelector('code')?.className
      })
    })()`)
    expect(labels).toEqual(['text|hljs', 'text|hljs', 'sql|hljs language-sql', 'nosuchlang|hljs language-nosuchlang'])
    await page.context().close()
  })
})
