import {describe, expect, it} from 'vitest'
import {selectBus} from '../../src/webchat/bus-selection.js'

describe('selectBus', () => {
  it('defaults to memory', () => {
    expect(selectBus({}, undefined, {})).toEqual({type: 'memory'})
  })

  it('takes redis settings from the config file, flags winning', () => {
    const config = {type: 'redis' as const, redis_url: 'redis://127.0.0.1:7000', maxlen: 500, publish_timeout_ms: 2000}
    expect(selectBus({}, config, {})).toEqual({type: 'redis', redisUrl: 'redis://127.0.0.1:7000', maxlen: 500, publishTimeoutMs: 2000})
    expect(selectBus({redisUrl: 'redis://127.0.0.1:7001', publishTimeoutMs: 300}, config, {})).toMatchObject({
      redisUrl: 'redis://127.0.0.1:7001',
      publishTimeoutMs: 300,
    })
  })

  it('falls back to JIMINY_REDIS_URL, then the local default', () => {
    expect(selectBus({type: 'redis'}, undefined, {JIMINY_REDIS_URL: 'redis://127.0.0.1:7002'})).toMatchObject({
      redisUrl: 'redis://127.0.0.1:7002',
    })
    expect(selectBus({type: 'redis'}, undefined, {})).toMatchObject({redisUrl: 'redis://127.0.0.1:6379'})
  })
})
