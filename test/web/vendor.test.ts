import {execFile} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseConfigText} from '../../src/engine/index.js'
import {CONTENT_SECURITY_POLICY} from '../../src/webchat/http/static-files.js'
import {startServer, type RunningServer} from '../../src/webchat/index.js'

/**
 * web/vendor/ is copied from node_modules by scripts/vendor-web.js and committed. These tests keep
 * the copies equal to node_modules (an upgrade without re-vendoring fails here), check that every
 * page module opts into type checking, and that the server serves the vendored files as modules
 * under the page's CSP.
 */
const ROOT = resolve(import.meta.dirname, '../..')
const SCRIPT = join(ROOT, 'scripts', 'vendor-web.js')

function vendorCheck(out?: string): Promise<{code: number; output: string}> {
  const args = [SCRIPT, '--check', ...(out ? ['--out', out] : [])]
  return new Promise((done) => {
    execFile(process.execPath, args, {cwd: ROOT}, (error, stdout, stderr) =>
      done({code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr}),
    )
  })
}

describe('web/vendor', () => {
  it('matches what scripts/vendor-web.js builds from node_modules', async () => {
    const result = await vendorCheck()
    expect(result.output).toContain('matches node_modules')
    expect(result.code).toBe(0)
  })

  it('the check fails on a stale, missing or extra file', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'jiminy-vendor-'))
    try {
      cpSync(join(ROOT, 'web', 'vendor'), copy, {recursive: true})
      writeFileSync(join(copy, 'marked', 'marked.esm.js'), '// edited by hand\n', {flag: 'a'})
      rmSync(join(copy, 'highlight', 'LICENSE'))
      writeFileSync(join(copy, 'dompurify', 'stray.js'), 'export {}\n')
      // Another tool's folder in web/vendor is not this script's business.
      mkdirSync(join(copy, 'other-tool'))
      writeFileSync(join(copy, 'other-tool', 'bundle.js'), 'export {}\n')
      const result = await vendorCheck(copy)
      expect(result.code).toBe(1)
      expect(result.output).toMatch(/stale: .*marked\/marked\.esm\.js/)
      expect(result.output).toMatch(/missing: .*highlight\/LICENSE/)
      expect(result.output).toMatch(/extra: .*dompurify\/stray\.js/)
      expect(result.output).not.toContain('other-tool')
    } finally {
      rmSync(copy, {recursive: true, force: true})
    }
  })

  it('ships each library with its licence and the versions it was copied from', () => {
    const versions = JSON.parse(readFileSync(join(ROOT, 'web', 'vendor', 'versions.json'), 'utf8')) as Record<string, unknown>
    for (const pkg of ['marked', 'dompurify', 'highlight.js']) {
      const installed = (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as {version: string}).version
      expect(versions[pkg]).toBe(installed)
    }
    for (const dir of ['marked', 'dompurify', 'highlight']) expect(readdirSync(join(ROOT, 'web', 'vendor', dir))).toContain('LICENSE')
  })
})

describe('web/*.js', () => {
  it('every page module starts with // @ts-check (tsc -p tsconfig.web.json checks them all)', () => {
    const files = readdirSync(join(ROOT, 'web')).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(10)
    const unchecked = files.filter((f) => !readFileSync(join(ROOT, 'web', f), 'utf8').startsWith('// @ts-check\n'))
    expect(unchecked).toEqual([])
  })

  it('no page module parses HTML itself: the one HTML path is markdown.js through DOMPurify', () => {
    const offenders = readdirSync(join(ROOT, 'web'))
      .filter((f) => f.endsWith('.js'))
      .filter((f) => {
        const code = readFileSync(join(ROOT, 'web', f), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '')
        return /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser)\b/.test(code)
      })
    expect(offenders).toEqual([])
  })
})

describe('serving web/vendor', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({
      port: 0,
      config: parseConfigText('profiles: {default: {provider: {type: mock}}}', 'vendor.test.ts'),
      logLevel: 'silent',
    })
  })
  afterAll(async () => {
    await server?.close()
  })

  it.each([
    ['/vendor/marked/marked.esm.js', 'text/javascript; charset=utf-8'],
    ['/vendor/dompurify/purify.es.mjs', 'text/javascript; charset=utf-8'],
    ['/vendor/highlight/highlight.js', 'text/javascript; charset=utf-8'],
    ['/vendor/highlight/github.css', 'text/css; charset=utf-8'],
    ['/vendor/marked/marked.esm.js.map', 'application/json; charset=utf-8'],
    ['/vendor/highlight/LICENSE', 'text/plain; charset=utf-8'],
    ['/markdown.js', 'text/javascript; charset=utf-8'],
  ])('%s as %s, with the page CSP and nosniff', async (path, type) => {
    const response = await fetch(new URL(path, server.url))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe(type)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    await response.arrayBuffer()
  })
})
