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
})
