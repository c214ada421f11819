/** A running recorder or replayer; stop() flushes what is pending and restores the real fetch. */
export interface CassetteHandle {
  readonly dir: string
  stop(): Promise<void>
}
