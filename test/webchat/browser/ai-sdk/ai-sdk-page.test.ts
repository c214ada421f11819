import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import type {Browser, Page} from 'playwright-core'
import {launchChromium} from '../launch-chromium.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../../src/webchat/index.js'

/**
 * A page of our own that uses the AI SDK's Chat client (the vendored bundle, web/vendor/ai/), served
 * same-origin by jiminy under its CSP, in Debian's chromium (required: the suite fails without it).
 */
const HERE = import.meta.dirname
const BUNDLE = resolve(HERE, '../../../../web/vendor/ai/ai-sdk.js')

const CONFIG = `
profiles:
  default:
    provider: {type: mock, model: mock-1, delay_ms: 2}
  step:
    provider: {type: mock, model: mock-1, delay_ms: 2}
    step_mode: true
  paced:
    provider: {type: mock, model: mock-1, delay_ms: 20}
`

let server: RunningServer
let browser: Browser
let webRoot: string

beforeAll(async () => {
  webRoot = mkdtempSync(join(tmpdir(), 'jiminy-ai-sdk-page-'))
  for (const file of ['index.html', 'page.js', 'page.css']) cpSync(join(HERE, file), join(webRoot, file))
  cpSync(BUNDLE, join(webRoot, 'vendor', 'ai-sdk.js'))
  server = await startServer({port: 0, config: parseConfigText(CONFIG, 'ai-sdk-page.test.ts'), logLevel: 'silent', webRoot})
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (webRoot) rmSync(webRoot, {recursive: true, force: true})
})

async function openPage(query: string): Promise<{page: Page; problems: string[]; requests: string[]}> {
  const page = await (await browser.newContext()).newPage()
  page.setDefaultTimeout(10_000)
  const problems: string[] = []
  const requests: string[] = []
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text())
  })
  page.on('request', (r) => requests.push(r.url()))
  await page.goto(`${server.url}?${query}`)
  return {page, problems, requests}
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('prompt').fill(text)
  await page.getByTestId('prompt').press('Enter')
}

const lastAssistant = (page: Page) => page.locator('[data-testid=message][data-role=assistant]').last()

describe('an AI SDK Chat page against jiminy', () => {
  it('shows a streamed answer and a tool call, same-origin, with no CSP violation', async () => {
    const {page, problems, requests} = await openPage('chat=page-tool')
    await send(page, 'what is 2+3? /tool')
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('ready')
    const answer = lastAssistant(page)
    await expect.poll(() => answer.getByTestId('tool').getAttribute('data-state')).toBe('output-available')
    expect(await answer.getByTestId('tool').getAttribute('data-tool')).toBe('calc')
    expect(await answer.getByTestId('tool-output').textContent()).toContain('5')
    const texts = await answer.getByTestId('text').allTextContents()
    expect(texts.join(' ')).toContain('2+3 = 5')
    expect(await answer.getAttribute('data-id')).toMatch(/^inf_/)
    expect(problems).toEqual([])
    const origin = new URL(server.url).origin
    expect(requests.filter((u) => !u.startsWith(origin))).toEqual([])

    // A second prompt continues the same conversation from the server snapshot.
    await send(page, 'and now?')
    await expect.poll(() => page.locator('[data-testid=message][data-role=assistant]').count()).toBe(2)
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('ready')
    expect(await lastAssistant(page).getByTestId('text').last().textContent()).toContain('You asked: "and now?".')
    expect(problems).toEqual([])
  })

  it('approves a step-mode tool call with the SDK approval buttons; the answer follows in the same message', async () => {
    const {page, problems} = await openPage('chat=page-step&profile=step')
    await send(page, 'what is 6*7? /tool')
    await page.getByTestId('approve').click()
    await expect.poll(() => lastAssistant(page).getByTestId('tool').getAttribute('data-state')).toBe('output-available')
    await expect.poll(async () => (await lastAssistant(page).getByTestId('text').allTextContents()).join(' ')).toContain('6*7 = 42')
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('ready')
    expect(await page.locator('[data-testid=message][data-role=assistant]').count()).toBe(1)
    expect(problems).toEqual([])
  })

  it('resumes an answer it did not ask for (a run started on POST /chat) and ends with what the snapshot holds', async () => {
    const convId = 'page-resume'
    const {page, problems} = await openPage(`chat=${convId}`)
    const started = await fetch(new URL('chat/paced', server.url), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({conv_id: convId, prompt: 'started elsewhere'}),
    })
    const {inference_id} = (await started.json()) as {inference_id: string}
    await page.getByTestId('resume').click()
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('streaming')
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('ready')
    expect(await page.getByTestId('error').textContent()).toBe('')
    const answer = lastAssistant(page)
    expect(await answer.getAttribute('data-id')).toBe(inference_id)
    expect(await answer.getByTestId('text').textContent()).toContain('You asked: "started elsewhere".')
    await expect.poll(() => server.manager.get(convId)?.running()).toBeUndefined()
    const snapshot = server.manager.get(convId)!.snapshot()
    expect(await answer.getByTestId('text').textContent()).toBe(snapshot.blocks.at(-1)!.payload.text)
    expect(problems).toEqual([])
  })
})
