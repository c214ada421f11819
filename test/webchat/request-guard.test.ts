import type {IncomingMessage} from 'node:http'
import {describe, expect, it} from 'vitest'
import {isAllowedOrigin, presentedTokens, tokenMatches} from '../../src/webchat/http/request-guard.js'

const req = (headers: Record<string, string>) => ({headers}) as unknown as IncomingMessage

describe('isAllowedOrigin', () => {
  it('allows no Origin, the Host it was sent to, and loopback names on the served port only', () => {
    expect(isAllowedOrigin(req({}), 8787)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://127.0.0.1:8787', host: '127.0.0.1:8787'}), 8787)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://localhost:8787', host: '127.0.0.1:8787'}), 8787)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://[::1]:8787'}), 8787)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://devbox.lan:8787', host: 'devbox.lan:8787'}), 8787)).toBe(true)
    expect(isAllowedOrigin(req({origin: 'http://localhost:3000', host: '127.0.0.1:8787'}), 8787)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'http://evil.example', host: '127.0.0.1:8787'}), 8787)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'http://127.0.0.1.evil.example:8787', host: '127.0.0.1:8787'}), 8787)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'null', host: '127.0.0.1:8787'}), 8787)).toBe(false)
    expect(isAllowedOrigin(req({origin: 'file://', host: '127.0.0.1:8787'}), 8787)).toBe(false)
  })
})

describe('tokens', () => {
  it('finds the token in a bearer header, the cookie, the query and a WebSocket subprotocol', () => {
    const found = presentedTokens(
      req({authorization: 'Bearer a', cookie: 'x=1; jiminy_token=b', 'sec-websocket-protocol': 'chat, jiminy.bearer.d'}),
      new URL('http://h/ws?token=c'),
    )
    expect(found).toEqual(['a', 'b', 'c', 'd'])
    expect(tokenMatches('c', found)).toBe(true)
    expect(tokenMatches('e', found)).toBe(false)
    expect(tokenMatches('abc', ['ab'])).toBe(false)
  })
})
