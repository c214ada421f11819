import {describe, expect, it} from 'vitest'
import {CommandError, ERROR_CODES, toCommandError} from '../../src/cli/command-error.js'
import {ConfigError, UnknownProfileError} from '../../src/engine/index.js'
import {PluginLoadError} from '../../src/plugins/index.js'
import {ProviderSetupError} from '../../src/providers/index.js'

describe('toCommandError: every thrown value gets a stable code, an exit code and a one-line message', () => {
  it('keeps a CommandError as it is', () => {
    const error = new CommandError('not_found', 'no such thing', {field: 'path'})
    expect(toCommandError(error)).toBe(error)
    expect(error.toJSON()).toEqual({code: 'not_found', message: 'no such thing', field: 'path'})
    expect(error.exitCode).toBe(2)
  })

  it('classifies the library errors by kind, keeping their field', () => {
    expect(toCommandError(new ConfigError('expected array', 'tools', 'a.json')).toJSON()).toEqual({
      code: 'bad_config',
      message: 'a.json: tools: expected array',
      field: 'tools',
    })
    expect(toCommandError(new UnknownProfileError('x', ['default'])).code).toBe('not_found')
    expect(toCommandError(new PluginLoadError('boom', 'p.js')).code).toBe('bad_plugin')
    expect(toCommandError(new ProviderSetupError('missing_api_key', 'set X', 'provider.api_key_env')).toJSON()).toEqual({
      code: 'missing_api_key',
      message: 'set X',
      field: 'provider.api_key_env',
    })
  })

  it('classifies Node system errors', () => {
    const enoent = Object.assign(new Error('ENOENT: no such file'), {code: 'ENOENT'})
    expect(toCommandError(enoent)).toMatchObject({code: 'not_found', exitCode: 2})
    expect(toCommandError(Object.assign(new Error('in use'), {code: 'EADDRINUSE'})).code).toBe('port_in_use')
  })

  it('an unknown error is internal (exit 1), never a crash, and a non-Error is stringified', () => {
    expect(toCommandError(new TypeError('x is undefined'))).toMatchObject({code: 'internal', exitCode: 1, message: 'x is undefined'})
    expect(toCommandError('plain string')).toMatchObject({code: 'internal', message: 'plain string'})
  })

  it('a flag parse failure (oclif rewrites the message) is bad_flag naming the flag', () => {
    const error = new Error('Parsing --port \n\tExpected an integer but received: abc\nSee more help with --help')
    expect(toCommandError(error, {commandId: 'serve'}).toJSON()).toEqual({
      code: 'bad_flag',
      message: '--port: expected an integer but received: abc (see `jiminy serve --help`)',
      field: 'port',
    })
  })

  it('removes secrets from every message', () => {
    const error = toCommandError(new Error('HTTP 401: Incorrect API key provided: sk-proj-abcdefghijklmnopqrstuvwxyz'))
    expect(error.message).toBe('HTTP 401: Incorrect API key provided: [redacted]')
  })

  it('every code has an exit code of the contract', () => {
    for (const exit of Object.values(ERROR_CODES)) expect([1, 2, 130]).toContain(exit)
  })
})
