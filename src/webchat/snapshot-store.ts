import type {Turn} from '../core/index.js'

/**
 * Where a conversation's snapshot (the Turn its next run continues from) lives between runs.
 * With one instance the Session holds it (`localSnapshotStore`); with several instances sharing a
 * Redis bus it is stored in Redis (`RedisSnapshotStore`), so a run continues from the latest run
 * whichever instance made it. `load` runs after the run claim is taken, `save` before it is released.
 */
export interface SnapshotStore {
  /** Where snapshots live, for `GET /api/conversations/{id}/snapshot`. */
  readonly kind: 'local' | 'redis' | 'store'
  /** The turn convId's next run continues from: the shared snapshot, or `local` (this instance's Session) when none is shared. */
  load(convId: string, local: Turn | undefined): Promise<Turn | undefined>
  /** Records the turn a run ended with. */
  save(convId: string, turn: Turn): Promise<void>
}

/** One instance: the Session's own snapshot is the truth; nothing is stored elsewhere. */
export const localSnapshotStore: SnapshotStore = {
  kind: 'local',
  load: async (_convId, local) => local,
  save: async () => undefined,
}
