import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {CassetteEntrySchema, type CassetteEntry} from './cassette-format.js'

/** Reads every `*.json` exchange in dir, in file-name (recording) order; a bad file is an error naming it. */
export async function loadCassettes(dir: string): Promise<CassetteEntry[]> {
  let names: string[]
  try {
    names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  } catch (error) {
    throw new Error(`cannot read cassette directory ${dir}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const entries: CassetteEntry[] = []
  for (const name of names) {
    const file = join(dir, name)
    let json: unknown
    try {
      json = JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      throw new Error(`cassette ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
    const parsed = CassetteEntrySchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new Error(`cassette ${file} is malformed: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'rejected'}`)
    }
    entries.push(parsed.data)
  }
  return entries
}
