import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Browser, Page} from 'playwright-core'
import {launchChromium} from './launch-chromium.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'

/**
 * The page and the conversation store (issue 12): after a server restart on the same store file a
 * reload shows the history; the sidebar lists stored conversations, renames and deletes them; a
 * server that no longer has the open conversation (restarted on the memory store) is said so.
 */
const CONFIG = parseConfigText(
  `
profiles:
  default:
    provider: {type: mock, model: mock-1, delay_ms: 1}
`,
  'store-restart.test.ts',
)

let browser: Browser
let dir: string
let server: RunningServer | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-page-store-'))
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await rm(dir, {recursive: true, force: true})
})

async function restart(store: string, port = 0): Promise<RunningServer> {
  await server?.close()
  server = await startServer({port, config: CONFIG, logLevel: 'silent', store})
  return server
}

async function connected(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('open')
}

async function send(page: Page, prompt: string): Promise<void> {
  await page.getByTestId('prompt-input').fill(prompt)
  await page.getByTestId('prompt-input').press('Enter')
  await page.getByTestId('assistant-text').filter({hasText: 'offline mock engine'}).last().waitFor()
  await page.getByTestId('cancel-button').waitFor({state: 'hidden'})
}

const titles = (page: Page) => page.getByTestId('conversation-item').locator('.conv-title').allInnerTexts()

describe('the page and the conversation store', () => {
  it('shows the history after a restart on the same file; renames, deletes; says when the server lost it', async () => {
    const file = join(dir, 'conversations.db')
    const first = await restart(file)
    const port = first.port
    const context = await browser.newContext({viewport: {width: 1280, height: 860}})
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(first.url)
    await connected(page)
    await send(page, 'remember the lighthouse')
    await send(page, 'and the keeper')
    const before = await page.getByTestId('transcript').innerText()
    await first.store.flush()

    // A new process on the same file and port: reload, the history is there, from the store.
    await restart(file, port)
    await page.reload()
    await connected(page)
    await expect.poll(() => page.getByTestId('user-message').count()).toBe(2)
    await page.getByTestId('assistant-text').filter({hasText: 'and the keeper'}).waitFor()
    expect(await page.getByTestId('transcript').innerText()).toBe(before)
    expect(await page.getByTestId('conversation-gone').count()).toBe(0)
    expect(await titles(page)).toEqual(['remember the lighthouse'])

    // A second browser (no localStorage) lists the stored conversation with its title and activity.
    const other = await browser.newContext()
    const second = await other.newPage()
    await second.goto(server!.url)
    await expect.poll(() => titles(second)).toContain('remember the lighthouse')
    expect(
      await second.getByTestId('conversation-item').filter({hasText: 'remember the lighthouse'}).locator('.conv-meta').innerText(),
    ).toMatch(/default · (just now|\d+ min ago)/)
    await other.close()

    // Rename from the sidebar: the server keeps the new title.
    page.once('dialog', (d) => void d.accept('Lighthouse notes'))
    await page.getByTestId('conversation-rename').first().click({force: true})
    await expect.poll(() => titles(page)).toEqual(['Lighthouse notes'])
    const listed = (await (await fetch(new URL('/api/conversations', server!.url))).json()) as {
      conversations: {title: string; last_seq: number}[]
    }
    // (the second browser's untouched new conversation is listed by the API too, without frames)
    expect(listed.conversations.filter((c) => c.last_seq > 0).map((c) => c.title)).toEqual(['Lighthouse notes'])

    // The server restarted without the store: the page says the conversation is gone there.
    await restart('memory', port)
    await page.reload()
    await connected(page)
    await page.getByTestId('conversation-gone').waitFor()
    expect(await page.getByTestId('user-message').count()).toBe(0)

    // Back on the file, delete it from the sidebar: gone from the server and the list.
    await restart(file, port)
    await page.reload()
    await connected(page)
    await expect.poll(() => page.getByTestId('user-message').count()).toBe(2)
    page.once('dialog', (d) => void d.accept())
    await page.getByTestId('conversation-delete').first().click({force: true})
    // Gone from the server: no conversation with frames is left (a page's untouched new one may be listed, empty).
    await expect
      .poll(async () =>
        (
          (await (await fetch(new URL('/api/conversations', server!.url))).json()) as {conversations: {last_seq: number}[]}
        ).conversations.filter((c) => c.last_seq > 0),
      )
      .toEqual([])
    await expect.poll(() => titles(page)).not.toContain('Lighthouse notes')
    expect(await page.getByTestId('user-message').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })
})
