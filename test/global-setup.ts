import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * Every process the suite starts (in-process servers and spawned `jiminy serve`) gets a data dir of
 * its own: `serve` keeps conversations in `<dataDir>/conversations.db` by default, and a test must
 * never read the conversations of an earlier run, nor the developer's own.
 */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'jiminy-test-data-'))
  process.env.XDG_DATA_HOME = dir
  return () => rmSync(dir, {recursive: true, force: true})
}
