import {mkdir, readdir, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {CassetteEntry} from './cassette-format.js'

/** `0001-openai-chat-1a2b3c4d5e6f.json`, `0002-tool.json`: the file name of the n-th exchange of a cassette. */
export function cassetteFileName(n: number, entry: CassetteEntry): string {
  const number = String(n).padStart(4, '0')
  switch (entry.kind) {
    case 'provider':
      return `${number}-${entry.provider}-${entry.match_key.slice(0, 12)}.json`
    case 'tool':
      return `${number}-tool.json`
    default: {
      const _exhaustive: never = entry
      return String(_exhaustive)
    }
  }
}

/** Writes one exchange as the n-th file of a cassette directory. */
export async function writeCassetteFile(dir: string, n: number, entry: CassetteEntry): Promise<void> {
  await mkdir(dir, {recursive: true})
  await writeFile(join(dir, cassetteFileName(n, entry)), `${JSON.stringify(entry, null, 2)}\n`, 'utf8')
}

/** Writes exchanges as a cassette directory (one JSON file each, in order), replacing any there. */
export async function writeCassetteDir(dir: string, entries: readonly CassetteEntry[]): Promise<void> {
  await mkdir(dir, {recursive: true})
  for (const name of await readdir(dir)) if (name.endsWith('.json')) await rm(join(dir, name), {force: true})
  let n = 0
  for (const entry of entries) await writeCassetteFile(dir, ++n, entry)
}
