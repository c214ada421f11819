import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Browser} from 'playwright-core'
import {build} from 'vite'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../../src/engine/index.js'
import {startServer, type RunningServer} from '../../../src/webchat/index.js'
import {launchChromium} from '../browser/launch-chromium.js'

const here = dirname(fileURLToPath(import.meta.url))
let dir: string
let server: RunningServer
let browser: Browser

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jiminy-ss-page-'))
  // The page: ./page/app.js bundled with react + react-dom by vite, served as jiminy's web root.
  await build({
    configFile: false,
    logLevel: 'silent',
    define: {'process.env.NODE_ENV': '"production"'},
    build: {
      outDir: dir,
      emptyOutDir: false,
      minify: false,
      lib: {entry: join(here, 'page/app.js'), formats: ['es'], fileName: () => 'app.js'},
    },
  })
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>',
  )
  server = await startServer({
    port: 0,
    logLevel: 'silent',
    webRoot: dir,
    config: parseConfigText('profiles:\n  default: {provider: {type: mock, delay_ms: 2}}\n', 'test.yaml'),
  })
  browser = await launchChromium()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await rm(dir, {recursive: true, force: true})
})

describe('a React page on the sessionstream routes (headless chromium)', () => {
  it('creates a session, streams an answer over /api/chat/ws, and hydrates it again after a reload', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(server.url)
    await page.waitForSelector('body[data-subscribed="yes"]')
    const sessionId = await page.getAttribute('main', 'data-session')
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/)
    await page.fill('#prompt', 'hello from the browser')
    await page.click('#send')
    await page.waitForSelector('main[data-status="finished"]')
    const shown = async () => page.$$eval('#messages li', (lis) => lis.map((li) => `${li.className}: ${li.textContent}`))
    const live = await shown()
    expect(live[0]).toBe('user: hello from the browser')
    expect(live[1]).toMatch(/^assistant: .*hello from the browser/)

    await page.goto(`${server.url}?session=${sessionId}`)
    await page.waitForSelector('body[data-subscribed="yes"]')
    expect(await shown()).toEqual(live)
    expect(errors).toEqual([])
    await page.close()
  })
})
