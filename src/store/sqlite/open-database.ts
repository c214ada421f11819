import {accessSync, constants, existsSync} from 'node:fs'
import {dirname} from 'node:path'
import Database from 'better-sqlite3'
import {StoreOpenError, type StoreOpenReason} from '../store-open-error.js'
import {SCHEMA_VERSION, migrate, schemaVersionOf} from './migrations.js'

export interface OpenDatabaseOptions {
  /** How long to wait for another process's lock before reporting `locked`. Default 200 ms. */
  readonly busyTimeoutMs?: number | undefined
}

/**
 * Opens (creating when absent) and migrates a store file, or throws one StoreOpenError naming it.
 *
 * Ownership: the connection uses `locking_mode = EXCLUSIVE` in WAL mode, so the first access takes
 * an exclusive lock that this process holds until `close()` (or death: the OS drops it on kill -9).
 * A second jiminy on the same file fails at open with `locked` instead of interleaving seqs in
 * the same conversations. The cost: no other process can read the file while a server owns it
 * (`jiminy conversations` must go through the server's HTTP API then).
 *
 * The probe order matters: reading user_version first tells a text file (SQLITE_NOTADB) and a held
 * lock (SQLITE_BUSY) apart and refuses a newer schema before anything is written to the file;
 * switching to WAL and `BEGIN IMMEDIATE` then prove the file and its directory are writable.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  let db: Database.Database
  try {
    db = new Database(file)
  } catch (error) {
    throw classify(file, error, 'opening')
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 200))}`)
    db.pragma('locking_mode = EXCLUSIVE')
    const version = step(file, 'reading the schema version', () => schemaVersionOf(db))
    if (version > SCHEMA_VERSION)
      throw new StoreOpenError(file, 'newer_schema', `schema version ${version}, this jiminy knows up to ${SCHEMA_VERSION}`)
    step(file, 'switching to WAL', () => db.pragma('journal_mode = WAL'))
    // NORMAL in WAL: a committed batch survives a process crash; only a power loss can drop the last ones.
    db.pragma('synchronous = NORMAL')
    step(file, 'taking the write lock', () => db.exec('BEGIN IMMEDIATE; COMMIT'))
    step(file, 'migrating', () => migrate(db))
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

function step<T>(file: string, what: string, run: () => T): T {
  try {
    return run()
  } catch (error) {
    throw classify(file, error, what)
  }
}

function classify(file: string, error: unknown, what: string): StoreOpenError {
  if (StoreOpenError.isInstance(error)) return error
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''
  const message = error instanceof Error ? error.message : String(error)
  return new StoreOpenError(file, reasonOf(file, code), `${what}: ${code !== '' ? `${code} ` : ''}${message}`, {cause: error})
}

function reasonOf(file: string, code: string): StoreOpenReason {
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return 'not_sqlite'
  if (code.startsWith('SQLITE_READONLY')) return 'read_only'
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked'
  // Permissions show up under other codes: a new file in a directory we cannot write is CANTOPEN,
  // and the exclusive lock on a file opened read-only fails as IOERR_LOCK. Ask the file system.
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
    if (existsSync(file) ? !writable(file) : !writable(dirname(file))) return 'read_only'
  }
  return 'io'
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}
