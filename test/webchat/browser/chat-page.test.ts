import {mkdirSync} from 'node:fs'
import {resolve} from 'node:path'
import type {Browser, BrowserContext, Page} from 'playwright-core'
import {launchChromium} from './launch-chromium.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'

/**
 * The chat page in a real browser against the real server (in-process, mock engine). Debian's
 * chromium is required: CI installs it with apt; without it this suite fails, it never skips.
 */
const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts')

// Small per-chunk delay so answers stream (several frames) yet tests stay quick. `/slow` streams
// at the mock engine's own slow pace, which leaves time to press Cancel.
const CONFIG = `
profiles:
  default:
    description: mock engine for the browser test
    default_prompt: "what is 2+3? /tool"
    provider: {type: mock, model: mock-1, delay_ms: 2}
  step:
    description: mock engine in step mode
    default_prompt: "what time is it? /tool"
    provider: {type: mock, model: mock-1, delay_ms: 2}
    step_mode: true
`

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer({port: 0, config: parseConfigText(CONFIG, 'chat-page.test.ts'), logLevel: 'silent'})
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openPage(context?: BrowserContext): Promise<{page: Page; errors: string[]}> {
  const ctx = context ?? (await browser.newContext({viewport: {width: 1280, height: 860}}))
  const page = await ctx.newPage()
  page.setDefaultTimeout(10_000)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  // The server sends a Content-Security-Policy; anything the page does that it blocks shows up here.
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text())
  })
  await page.goto(server.url)
  await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('open')
  return {page, errors}
}

async function send(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt-input').fill(prompt)
  await page.getByTestId('prompt-input').press('Enter')
}

const lastRun = (page: Page) => page.getByTestId('run').last()

/** The page shows no run going (the Cancel button is gone). */
async function idle(page: Page): Promise<void> {
  await page.getByTestId('cancel-button').waitFor({state: 'hidden'})
}

describe('chat page', () => {
  it('streams an answer and renders the tool call with its input and result', async () => {
    const {page, errors} = await openPage()
    // Shift+Enter is a newline, not a send.
    await page.getByTestId('prompt-input').fill('line one')
    await page.getByTestId('prompt-input').press('Shift+Enter')
    expect(await page.getByTestId('prompt-input').inputValue()).toBe('line one\n')
    expect(await page.getByTestId('run').count()).toBe(0)
    await send(page, 'what is 2+3? /tool')
    const run = lastRun(page)
    await expect.poll(() => run.getByTestId('user-message').textContent()).toContain('what is 2+3? /tool')
    const tool = run.getByTestId('tool-call')
    await tool.waitFor()
    await expect.poll(() => tool.getAttribute('data-status')).toBe('done')
    expect(await tool.getByTestId('tool-name').textContent()).toBe('calc')
    await tool.locator('summary').click()
    expect(await tool.getByTestId('tool-input').textContent()).toContain('"expression": "2+3"')
    expect(await tool.getByTestId('tool-result').textContent()).toContain('5')
    const answer = run.getByTestId('assistant-text').filter({hasText: '2+3 = 5'})
    await answer.waitFor()
    // One bubble per assistant message: "Let me use a tool." and the answer, each shown once.
    expect(await run.getByTestId('assistant-message').count()).toBe(2)
    await expect.poll(() => page.getByTestId('cancel-button').isHidden()).toBe(true)
    expect(await page.getByTestId('conversation-item').count()).toBeGreaterThanOrEqual(1)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('cancels a slow run, keeps the conversation usable, and saves a screenshot', async () => {
    const {page, errors} = await openPage()
    await send(page, 'what is 2+3? /tool')
    await lastRun(page).getByTestId('assistant-text').filter({hasText: '2+3 = 5'}).waitFor()
    await idle(page)
    await send(page, 'tell me a story /slow')
    const slow = page.getByTestId('run').filter({hasText: 'tell me a story'})
    await slow.getByTestId('assistant-text').filter({hasText: 'slow answer'}).waitFor()
    // A second prompt while the run goes gets the server's 409, shown next to the prompt.
    await send(page, 'too soon')
    await page.getByTestId('send-error').waitFor()
    expect(await page.getByTestId('composer-error').textContent()).toContain('already in progress')
    expect(await page.getByTestId('prompt-input').inputValue()).toBe('too soon')
    await page.getByTestId('prompt-input').fill('')
    await page.getByTestId('cancel-button').click()
    await slow.getByTestId('run-cancelled').waitFor()
    expect(await slow.getByTestId('assistant-message').first().getAttribute('class')).not.toContain('streaming')
    await idle(page)
    // The conversation still answers after a cancel.
    await send(page, 'think first /think')
    await lastRun(page).getByTestId('thinking').waitFor()
    await lastRun(page).getByTestId('assistant-text').filter({hasText: 'Having thought about it'}).waitFor()
    await expect.poll(() => lastRun(page).getByTestId('assistant-message').getAttribute('aria-busy')).toBe('false')
    mkdirSync(ARTIFACTS, {recursive: true})
    await page.getByTestId('tool-call').first().locator('summary').click()
    await page.getByTestId('transcript').evaluate((t) => t.scrollTo(0, t.scrollHeight))
    await page.screenshot({path: resolve(ARTIFACTS, 'chat-page.png')})
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('answers a step-mode pause from the card, and shows the rebuild with its diff', async () => {
    const {page, errors} = await openPage()
    await send(page, 'hello')
    await lastRun(page).getByTestId('assistant-text').filter({hasText: 'You asked'}).waitFor()
    await idle(page)
    await page.getByTestId('profile-select').selectOption('step')
    await send(page, 'what time is it? /tool')
    const rebuilt = page.getByTestId('rebuild-notice')
    await rebuilt.waitFor()
    expect(await rebuilt.getByTestId('rebuild-diff').textContent()).toMatch(/step_mode/)
    const card = lastRun(page).getByTestId('step-card')
    await card.waitFor()
    expect(await card.textContent()).toContain('clock')
    await card.getByTestId('step-continue').click()
    // after_inference resolved; the loop pauses again after the tool ran.
    await lastRun(page).getByTestId('step-resolved').first().waitFor()
    await lastRun(page).getByTestId('step-card').getByTestId('step-continue').click()
    await lastRun(page).getByTestId('assistant-text').filter({hasText: 'According to the tools'}).waitFor()
    expect(await lastRun(page).getByTestId('step-card').count()).toBe(0)
    expect(await lastRun(page).getByTestId('tool-call').getAttribute('data-status')).toBe('done')
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('replays a conversation once on reload and resumes from the last seq after a dropped socket', async () => {
    const context = await browser.newContext({viewport: {width: 1280, height: 860}})
    const {page, errors} = await openPage(context)
    await send(page, 'what is 2+3? /tool')
    await lastRun(page).getByTestId('assistant-text').filter({hasText: '2+3 = 5'}).waitFor()
    await idle(page)

    // Drop the socket in the middle of a slow answer: the page reconnects with after_seq and
    // carries on, and no frame is applied twice.
    await send(page, 'a slow one /slow')
    await lastRun(page).getByTestId('assistant-text').filter({hasText: 'slow answer'}).waitFor()
    await page.evaluate(() => (window as unknown as {jiminy: {state: {socket: {ws: WebSocket}}}}).jiminy.state.socket.ws.close())
    await expect
      .poll(() => page.evaluate(() => (window as unknown as {jiminy: {socketStats(): {connects: number}}}).jiminy.socketStats().connects))
      .toBe(2)
    const before = (await lastRun(page).getByTestId('assistant-text').textContent()) ?? ''
    await expect
      .poll(async () => ((await lastRun(page).getByTestId('assistant-text').textContent()) ?? '').length)
      .toBeGreaterThan(before.length)
    await page.getByTestId('cancel-button').click()
    await lastRun(page).getByTestId('run-cancelled').waitFor()
    const stats = await page.evaluate(() => (window as unknown as {jiminy: {socketStats(): {gaps: number}}}).jiminy.socketStats())
    expect(await page.getByTestId('gap').allInnerTexts()).toEqual([])
    expect(stats.gaps).toBe(0)
    const liveText = await page.getByTestId('transcript').innerText()

    // Reload: the same conversation replays from seq 0 and looks the same, prompts included.
    await page.reload()
    await lastRun(page).getByTestId('run-cancelled').waitFor()
    expect(await page.getByTestId('run').count()).toBe(2)
    expect(await page.getByTestId('user-message').count()).toBe(2)
    expect(await page.getByTestId('assistant-message').count()).toBe(3)
    expect(await page.getByTestId('run-cancelled').count()).toBe(1)
    expect(await page.getByTestId('transcript').innerText()).toBe(liveText)
    expect(errors).toEqual([])

    // Another browser, which never sent these prompts, sees them too: they travel as user.message frames.
    const url = page.url()
    const other = await browser.newContext({viewport: {width: 1280, height: 860}})
    const second = await other.newPage()
    await second.goto(url)
    await second.getByTestId('run-cancelled').waitFor()
    expect(await second.getByTestId('user-message').allInnerTexts()).toEqual([
      expect.stringContaining('what is 2+3? /tool'),
      expect.stringContaining('a slow one /slow'),
    ])
    await other.close()
    await context.close()
  })
})
