// The timing harness the WebSocket benches share: the clients run in a worker thread (so reading
// frames does not take the server's CPU), the worker posts 'ready' once connected and 'done' once
// every client got its frames; produce() runs between the two. makeDeltas is the stream they send.
import {setImmediate as tick} from 'node:timers/promises'
import {Worker} from 'node:worker_threads'

/** Starts `script` as a worker with `workerData`, times produce() until the worker's 'done'; returns {seconds, done}. */
export async function timeWorkerClients(script, workerData, produce) {
  const worker = new Worker(script, {workerData})
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m.type !== type) return
        worker.off('message', onMessage)
        resolve(m)
      }
      worker.on('message', onMessage)
      worker.once('error', reject)
    })
  await next('ready')
  const finished = next('done')
  const start = process.hrtime.bigint()
  await produce()
  const done = await finished
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await worker.terminate()
  return {seconds, done}
}

/** Deltas like a model's: short words, cumulative text reset every ~64 chars to keep frames small. */
export function makeDeltas(n) {
  const out = []
  let completion = ''
  for (let i = 0; i < n; i++) {
    const delta = i % 7 === 0 ? 'word ' : 'tok '
    completion = completion.length > 64 ? delta : completion + delta
    out.push({delta, completion})
  }
  return out
}

/**
 * Publishes `deltas` as `partial` events of one message through the real publishing path
 * (`publish` in `ctx`'s run context), yielding to I/O every `batch` events as a streaming provider would.
 */
export async function publishDeltas({publish, withRunContext}, ctx, deltas, batch = 100) {
  for (let i = 0; i < deltas.length; i += batch) {
    withRunContext(ctx, () => {
      for (let j = i; j < Math.min(deltas.length, i + batch); j++)
        publish({type: 'partial', delta: deltas[j].delta, completion: deltas[j].completion}, {message_id: 'msg_bench'})
    })
    await tick()
  }
}
