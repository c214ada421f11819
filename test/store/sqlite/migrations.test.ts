import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'
import {MIGRATIONS, SCHEMA_VERSION, SqliteConversationStore, migrate} from '../../../src/store/index.js'
import {deltaFrame, frame} from '../contract.js'
import {tempStoreDir} from './temp-store.js'

const tmp = tempStoreDir('migrations')

describe('schema migrations', () => {
  it('are numbered 1..N in order, and N is the schema version', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_m, i) => i + 1))
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length)
  })

  it('brings a version 1 file forward, keeping its data and filling the new counters', async () => {
    const file = tmp.file()
    const v1 = new Database(file)
    expect(migrate(v1, 1)).toEqual([1])
    v1.prepare(
      `INSERT INTO conversations (id, title, profile, signature, config_json, created_at, updated_at)
                VALUES ('old', 'from v1', 'default', 'sig', '{"a":1}', 10, 20)`,
    ).run()
    const insert = v1.prepare(
      `INSERT INTO frames (conv, seq, type, json) VALUES ((SELECT key FROM conversations WHERE id = 'old'), ?, ?, ?)`,
    )
    for (const f of [frame(1), frame(2), deltaFrame(3, 'inf_1', 'partial')]) insert.run(f.seq, f.type, f.json)
    v1.close()

    const store = SqliteConversationStore.open(file)
    expect(await store.list()).toEqual([{id: 'old', title: 'from v1', profile: 'default', updated_at: 20, frame_count: 3, last_seq: 3}])
    expect((await store.framesAfter('old', 2))[0]).toEqual(deltaFrame(3, 'inf_1', 'partial'))
    // The table added by version 2 works on the migrated file.
    await store.runStarted('old', 'inf_2', 30)
    expect(await store.runs('old')).toEqual([{inference_id: 'inf_2', status: 'running', started_at: 30}])
    store.appendFrames('old', [frame(4)])
    expect(await store.get('old')).toMatchObject({frame_count: 4, last_seq: 4})
    await store.close()

    const after = new Database(file)
    expect(after.pragma('user_version', {simple: true})).toBe(SCHEMA_VERSION)
    expect(after.pragma('journal_mode', {simple: true})).toBe('wal')
    after.close()
  })

  it('does nothing to a file already at the current version', () => {
    const file = tmp.file()
    SqliteConversationStore.open(file).close()
    const db = new Database(file)
    expect(migrate(db)).toEqual([])
    db.close()
  })
})
