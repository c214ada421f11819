import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {StoreOpenError, openConversationStore, type StoreWarning} from '../../src/store/index.js'
import {tempStoreDir} from './sqlite/temp-store.js'

const tmp = tempStoreDir('open-store')

describe('openConversationStore', () => {
  it('opens memory when asked', async () => {
    const store = openConversationStore('memory', {explicit: true})
    expect(store.kind).toBe('memory')
    await store.close()
  })

  it('throws for a bad file the user named', () => {
    const file = tmp.file('named.txt')
    writeFileSync(file, 'text')
    expect(() => openConversationStore(file, {explicit: true})).toThrow(StoreOpenError)
  })

  it('does not create a missing directory the user named', () => {
    const file = join(tmp.dir, 'no', 'such', 'dir', 'conversations.db')
    expect(() => openConversationStore(file, {explicit: true})).toThrow(expect.objectContaining({reason: 'io', file}))
  })

  it('falls back to memory with one loud warning for a bad default file', async () => {
    const file = tmp.file('default.txt')
    writeFileSync(file, 'text')
    const warnings: StoreWarning[] = []
    const store = openConversationStore(file, {explicit: false, onWarning: (w) => warnings.push(w)})
    expect(store.kind).toBe('memory')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({code: 'store_fallback_memory', file})
    expect(warnings[0]!.message).toMatch(/NOT outlive/)
    await store.close()
  })

  it('creates the default data directory when missing', async () => {
    const file = join(tmp.dir, 'data', 'jiminy', 'conversations.db')
    const store = openConversationStore(file, {explicit: false})
    expect(store.kind).toBe('sqlite')
    expect(store.location).toBe(file)
    await store.close()
  })
})
