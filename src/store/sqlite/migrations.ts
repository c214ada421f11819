import type Database from 'better-sqlite3'

/**
 * The schema, as the ordered list of forward migrations that builds it. `PRAGMA user_version` is
 * the number of migrations applied. Policy (docs/store.md): never edit a released migration, only
 * append one; each runs in its own transaction together with the user_version bump, so a crash
 * mid-migration leaves the previous version intact. There are no down migrations: a file from a
 * newer jiminy is refused at open (StoreOpenError `newer_schema`) rather than guessed at.
 */
export interface Migration {
  readonly version: number
  readonly description: string
  readonly sql: string
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'conversations, frame log, snapshots, rebuild records',
    sql: `
      CREATE TABLE conversations (
        key INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL DEFAULT '',
        profile TEXT NOT NULL DEFAULT '',
        signature TEXT NOT NULL DEFAULT '',
        config_json TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      -- The hot, big table: keyed by the conversation's integer key, not its id string, so each row
      -- and index entry is smaller and cheaper to compare (measured ~1.3x frames per CPU-second).
      CREATE TABLE frames (
        conv INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        stream_id TEXT,
        type TEXT NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (conv, seq)
      );
      CREATE TABLE snapshots (
        conv_id TEXT PRIMARY KEY,
        turn_json TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
      CREATE TABLE rebuilds (
        id INTEGER PRIMARY KEY,
        conv_id TEXT NOT NULL,
        record_json TEXT NOT NULL
      );
      CREATE INDEX rebuilds_by_conv ON rebuilds (conv_id, id);
    `,
  },
  {
    version: 2,
    description: 'run outcomes; frame counters on conversations so list() never counts frames',
    sql: `
      ALTER TABLE conversations ADD COLUMN frame_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE conversations ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;
      UPDATE conversations SET
        frame_count = (SELECT COUNT(*) FROM frames f WHERE f.conv = conversations.key),
        last_seq = COALESCE((SELECT MAX(seq) FROM frames f WHERE f.conv = conversations.key), 0);
      CREATE INDEX conversations_by_activity ON conversations (updated_at DESC, id);
      CREATE TABLE runs (
        conv_id TEXT NOT NULL,
        inference_id TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        error TEXT,
        partial_text TEXT,
        PRIMARY KEY (conv_id, inference_id)
      );
      CREATE INDEX runs_running ON runs (status) WHERE status = 'running';
    `,
  },
  {
    version: 3,
    // A column, not a table: the last one of the row, so list() never reads it, and no new pages.
    description: 'sessionstream timeline (one JSON body per conversation)',
    sql: `
      ALTER TABLE conversations ADD COLUMN timeline_json TEXT;
    `,
  },
]

export const SCHEMA_VERSION = MIGRATIONS.length

export function schemaVersionOf(db: Database.Database): number {
  return db.pragma('user_version', {simple: true}) as number
}

/** Applies the migrations after the file's version, up to `target`; returns the versions applied. */
export function migrate(db: Database.Database, target = SCHEMA_VERSION): number[] {
  const applied: number[] = []
  for (const migration of MIGRATIONS) {
    if (migration.version <= schemaVersionOf(db) || migration.version > target) continue
    db.transaction(() => {
      db.exec(migration.sql)
      // PRAGMA takes no bound parameters; the version is an integer from the list above.
      db.pragma(`user_version = ${migration.version}`)
    }).immediate()
    applied.push(migration.version)
  }
  return applied
}
