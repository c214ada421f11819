import {describe, expect, it} from 'vitest'
import {clusterUrlOf, describeRedisUrl, isClusterUrl, parseClusterUrl, redisUrlPassword} from '../../../src/bus/redis/redis-url.js'
import {hashTagged, headKeyOf, runLockKey, snapshotKey, streamKeyOf} from '../../../src/bus/redis/keys.js'
import {selectBus} from '../../../src/webchat/bus-selection.js'

describe('Redis Cluster URLs', () => {
  it('parses redis+cluster://[user:password@]host:port,…', () => {
    expect(parseClusterUrl('redis+cluster://127.0.0.1:7000,127.0.0.1:7001,[::1]:7002')).toEqual({
      tls: false,
      nodes: [
        {host: '127.0.0.1', port: 7000},
        {host: '127.0.0.1', port: 7001},
        {host: '::1', port: 7002},
      ],
    })
    expect(parseClusterUrl('rediss+cluster://me:p%40ss@h1,h2:7001/')).toEqual({
      tls: true,
      username: 'me',
      password: 'p@ss',
      nodes: [
        {host: 'h1', port: 6379},
        {host: 'h2', port: 7001},
      ],
    })
    expect(() => parseClusterUrl('redis+cluster://h1:7000,,h2')).toThrow('cluster node "" is not host:port')
    expect(isClusterUrl('redis://h:1')).toBe(false)
  })

  it('never shows the password', () => {
    expect(describeRedisUrl('redis+cluster://:secret@h1:7000,h2:7001')).toBe('redis+cluster://:***@h1:7000,h2:7001')
    expect(describeRedisUrl('redis+cluster://me:secret@h1:7000')).toBe('redis+cluster://me:***@h1:7000')
    expect(redisUrlPassword('redis+cluster://:secret@h1:7000,h2:7001')).toBe('secret')
    expect(redisUrlPassword('redis://:s%3Ac@h:1')).toBe('s:c')
  })

  it('bus.cluster in jiminy.yaml is the cluster URL; --redis-url still wins', () => {
    const config = {type: 'redis' as const, cluster: ['127.0.0.1:7000', '127.0.0.1:7001']}
    expect(selectBus({}, config, {})).toEqual({type: 'redis', redisUrl: 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001'})
    expect(selectBus({redisUrl: 'redis://h:1'}, config, {})).toMatchObject({redisUrl: 'redis://h:1'})
    expect(clusterUrlOf(['a:1'])).toBe('redis+cluster://a:1')
  })
})

describe('key layout', () => {
  it('hash-tags every key of a conversation with its id', () => {
    const stream = streamKeyOf('chat:conv-1')
    expect(stream).toBe('chat:{conv-1}')
    expect(headKeyOf(stream)).toBe('jiminy:head:chat:{conv-1}')
    expect(runLockKey('conv-1')).toBe('jiminy:run:{conv-1}')
    expect(snapshotKey('conv-1')).toBe('jiminy:snapshot:{conv-1}')
    expect(hashTagged('p:', 'x')).toBe('p:{x}')
    // Topics that are not a conversation's are their own key.
    expect(streamKeyOf('other')).toBe('other')
  })
})
