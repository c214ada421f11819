import {readdir} from 'node:fs/promises'
import type {CassetteHandle} from './cassette-handle.js'
import {writeCassetteFile} from './cassette-dir.js'
import {exchangeInterceptor, type ExchangeTap} from './exchange-interceptor.js'

/**
 * `--record-provider DIR`: records every provider HTTP exchange made through fetch into `dir`, one
 * JSON file each, while passing the live stream through untouched. Other requests are not touched.
 */
export async function startCassetteRecorder(dir: string): Promise<CassetteHandle> {
  let sequence = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json')).length
  const pending = new Set<Promise<void>>()
  const tap: ExchangeTap = {
    owns: () => true,
    decide: (request) =>
      request.kind !== 'provider'
        ? {kind: 'pass'}
        : {
            kind: 'record',
            done: (entry) => {
              const write = writeCassetteFile(dir, ++sequence, entry).finally(() => pending.delete(write))
              pending.add(write)
            },
          },
  }
  const remove = exchangeInterceptor.install(tap)
  await exchangeInterceptor.ready()
  return {
    dir,
    async stop() {
      // A stream still open when recording stops is saved as far as it got.
      exchangeInterceptor.finishOpen(tap)
      while (pending.size > 0) await Promise.allSettled([...pending])
      remove()
    },
  }
}
