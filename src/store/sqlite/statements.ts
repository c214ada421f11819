import type Database from 'better-sqlite3'

/** Every statement the store runs (SQL text kept in one place), prepared once at open. */
const SQL = {
  list: `SELECT id, title, profile, updated_at, frame_count, last_seq FROM conversations
             ORDER BY updated_at DESC, id`,
  get: `SELECT id, title, profile, signature, config_json, created_at, updated_at, frame_count, last_seq
            FROM conversations WHERE id = ?`,
  ensure: `INSERT OR IGNORE INTO conversations (id, created_at, updated_at) VALUES (?, ?, ?)`,
  upsert: `INSERT INTO conversations (id, title, profile, signature, config_json, created_at, updated_at)
               VALUES (@id, @title, @profile, @signature, @config_json, @now, @now)
               ON CONFLICT (id) DO UPDATE SET
                 profile = excluded.profile, signature = excluded.signature, config_json = excluded.config_json,
                 title = CASE WHEN title = '' THEN excluded.title ELSE title END,
                 updated_at = MAX(updated_at, excluded.updated_at)`,
  rename: `UPDATE conversations SET title = ?, updated_at = MAX(updated_at, ?) WHERE id = ?`,
  touch: `UPDATE conversations SET updated_at = MAX(updated_at, ?) WHERE id = ?`,
  deleteConversation: `DELETE FROM conversations WHERE id = ?`,
  deleteFrames: `DELETE FROM frames WHERE conv = (SELECT key FROM conversations WHERE id = ?)`,
  deleteSnapshot: `DELETE FROM snapshots WHERE conv_id = ?`,
  deleteRebuilds: `DELETE FROM rebuilds WHERE conv_id = ?`,
  deleteRuns: `DELETE FROM runs WHERE conv_id = ?`,
  insertFrame: `INSERT OR IGNORE INTO frames (conv, seq, stream_id, type, json) VALUES (?, ?, ?, ?, ?)`,
  // Eight rows a statement: the per-call cost of the binding dominates a small insert, and
  // measured (bench/store-hydrate.js) eight rows a call write about 2.5x the frames/s of one.
  insertFrames8: `INSERT OR IGNORE INTO frames (conv, seq, stream_id, type, json) VALUES ${Array(8).fill('(?, ?, ?, ?, ?)').join(', ')}`,
  countFrames: `UPDATE conversations SET frame_count = frame_count + ?, last_seq = MAX(last_seq, ?),
                    updated_at = MAX(updated_at, ?) WHERE key = ? RETURNING frame_count`,
  // Deletes the `excess` oldest frames: walks only those index entries (an OFFSET from the newest
  // would walk all maxFrames of them on every batch).
  trimFrames: `DELETE FROM frames WHERE conv = @conv AND seq IN
                (SELECT seq FROM frames WHERE conv = @conv ORDER BY seq LIMIT @excess)`,
  uncountFrames: `UPDATE conversations SET frame_count = frame_count - ? WHERE key = ?`,
  framesAfter: `SELECT f.seq, f.stream_id, f.type, f.json FROM conversations c JOIN frames f ON f.conv = c.key
                WHERE c.id = ? AND f.seq > ? ORDER BY f.seq LIMIT ?`,
  lastSeq: `SELECT last_seq AS value FROM conversations WHERE id = ?`,
  keyAndLastSeq: `SELECT key, last_seq FROM conversations WHERE id = ?`,
  deltasNewestFirst: `SELECT f.json AS value FROM conversations c JOIN frames f ON f.conv = c.key
                      WHERE c.id = ? AND f.type = 'llm.delta' ORDER BY f.seq DESC`,
  saveSnapshot: `INSERT INTO snapshots (conv_id, turn_json, saved_at) VALUES (?, ?, ?)
                     ON CONFLICT (conv_id) DO UPDATE SET turn_json = excluded.turn_json, saved_at = excluded.saved_at`,
  loadSnapshot: `SELECT turn_json AS value FROM snapshots WHERE conv_id = ?`,
  saveTimeline: `UPDATE conversations SET timeline_json = ? WHERE id = ?`,
  loadTimeline: `SELECT timeline_json AS value FROM conversations WHERE id = ? AND timeline_json IS NOT NULL`,
  recordRebuild: `INSERT INTO rebuilds (conv_id, record_json) VALUES (?, ?)`,
  rebuilds: `SELECT record_json AS value FROM rebuilds WHERE conv_id = ? ORDER BY id`,
  runStarted: `INSERT INTO runs (conv_id, inference_id, status, started_at) VALUES (?, ?, 'running', ?)
                   ON CONFLICT (conv_id, inference_id) DO UPDATE SET status = 'running', started_at = excluded.started_at,
                     ended_at = NULL, error = NULL, partial_text = NULL`,
  runEnded: `UPDATE runs SET status = @status, ended_at = @ended_at, error = @error,
                   partial_text = COALESCE(@partial_text, partial_text)
                 WHERE conv_id = @conv AND inference_id = @inference_id`,
  runs: `SELECT conv_id, inference_id, status, started_at, ended_at, error, partial_text FROM runs
             WHERE conv_id = ? ORDER BY started_at, rowid`,
  runningRuns: `SELECT conv_id, inference_id, status, started_at, ended_at, error, partial_text FROM runs
                    WHERE status = 'running'`,
} as const

export type Statements = {readonly [K in keyof typeof SQL]: Database.Statement}

export function prepareStatements(db: Database.Database): Statements {
  const prepared: Partial<Record<keyof typeof SQL, Database.Statement>> = {}
  for (const name of Object.keys(SQL) as (keyof typeof SQL)[]) prepared[name] = db.prepare(SQL[name])
  return prepared as Statements
}
