import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {once} from 'node:events'
import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {SCHEMA_VERSION, SqliteConversationStore, StoreOpenError} from '../../../src/store/index.js'
import {openInChild, startChild, unprivileged} from './child-process.js'
import {tempStoreDir} from './temp-store.js'

const tmp = tempStoreDir('open')
// The temp dir is 0700; an unprivileged child must be able to reach the files inside.
chmodSync(tmp.dir, 0o755)

function openError(file: string): StoreOpenError {
  try {
    SqliteConversationStore.open(file).close()
  } catch (error) {
    if (StoreOpenError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${file} to be refused`)
}

describe('opening a store file', () => {
  it('refuses a file that is not SQLite, naming it, and leaves it alone', () => {
    const file = tmp.file('notes.txt')
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(100))
    const error = openError(file)
    expect(error).toMatchObject({reason: 'not_sqlite', file, code: 'store_open_failed'})
    expect(error.message).toContain(file)
    expect(error.message).toMatch(/not a SQLite database/)
    expect(readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n'.repeat(100))
  })

  it('refuses a file from a newer schema without writing to it', () => {
    const file = tmp.file()
    const db = new Database(file)
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`)
    db.close()
    const error = openError(file)
    expect(error.reason).toBe('newer_schema')
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 1}`)
    const after = new Database(file)
    // Still the old journal mode and version: the refusal happened before WAL or migrations.
    expect(after.pragma('journal_mode', {simple: true})).toBe('delete')
    expect(after.pragma('user_version', {simple: true})).toBe(SCHEMA_VERSION + 1)
    after.close()
  })

  it('refuses a read-only file (checked as an unprivileged process, since root ignores modes)', () => {
    const file = tmp.file()
    SqliteConversationStore.open(file).close()
    chmodSync(file, 0o444)
    expect(openInChild(file, unprivileged()).error).toMatchObject({reason: 'read_only', file})
  })

  it('refuses a writable file in a read-only directory (WAL needs FILE-wal beside it)', () => {
    const dir = join(tmp.dir, 'ro-dir')
    mkdirSync(dir)
    const file = join(dir, 'conversations.db')
    SqliteConversationStore.open(file).close()
    chmodSync(file, 0o666)
    chmodSync(dir, 0o555)
    expect(openInChild(file, unprivileged()).error).toMatchObject({reason: 'read_only', file})
    expect(openInChild(join(dir, 'new.db'), unprivileged()).error).toMatchObject({reason: 'read_only'})
  })

  it('opens a file its process may write, from a second process (the probes are not over-eager)', () => {
    const file = tmp.file()
    SqliteConversationStore.open(file).close()
    chmodSync(file, 0o644)
    expect(openInChild(file)).toEqual({ok: true})
  })

  it('refuses a file another process holds, and opens it once that process is gone', async () => {
    const file = tmp.file()
    SqliteConversationStore.open(file).close()
    const holder = await startChild('hold', file, (line) => line === 'ready')
    try {
      const error = openError(file)
      expect(error.reason).toBe('locked')
      expect(error.message).toContain(file)
    } finally {
      holder.stdin.end()
      await once(holder, 'exit')
    }
    const store = SqliteConversationStore.open(file)
    await store.close()
  })
})
