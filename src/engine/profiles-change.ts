import type {ProfileSummary} from './profile-summary.js'

/** What a config reload did to the profile list, by slug: what the page refreshes and says. */
export interface ProfilesChange {
  readonly added: readonly string[]
  readonly removed: readonly string[]
  /** Profiles in both lists whose description, example prompt, step mode, default flag or engine (signature) changed. */
  readonly changed: readonly string[]
}

const SHOWN: readonly (keyof ProfileSummary)[] = ['description', 'default_prompt', 'step_mode', 'default', 'signature']

/** The change from `before` to `after`, or undefined when the lists are the same. */
export function profilesChange(before: readonly ProfileSummary[], after: readonly ProfileSummary[]): ProfilesChange | undefined {
  const old = new Map(before.map((p) => [p.slug, p]))
  const now = new Map(after.map((p) => [p.slug, p]))
  const added = after.filter((p) => !old.has(p.slug)).map((p) => p.slug)
  const removed = before.filter((p) => !now.has(p.slug)).map((p) => p.slug)
  const changed = after.filter((p) => {
    const was = old.get(p.slug)
    return was !== undefined && SHOWN.some((key) => was[key] !== p[key])
  })
  if (added.length + removed.length + changed.length === 0) return undefined
  return {added, removed, changed: changed.map((p) => p.slug)}
}

/** One line for the log and the page: `profiles changed: added fast; removed old; changed default`. */
export function describeProfilesChange(change: ProfilesChange): string {
  const parts = [
    change.added.length ? `added ${change.added.join(', ')}` : '',
    change.removed.length ? `removed ${change.removed.join(', ')}` : '',
    change.changed.length ? `changed ${change.changed.join(', ')}` : '',
  ].filter(Boolean)
  return `profiles changed: ${parts.join('; ')}`
}
