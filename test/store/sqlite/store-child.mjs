// A second process for the store tests, run on the built code (npm run build writes dist/).
//   node store-child.mjs open FILE     try to open FILE, print {"ok":true} or {"error":{reason,file,message}}
//   node store-child.mjs hold FILE     open FILE, print "ready", keep it open until stdin closes
//   node store-child.mjs writer FILE   open FILE, start a run and append llm.delta frames forever,
//                                      printing "committed N" each time N frames are durable
import {openConversationStore, StoreOpenError} from '../../../dist/store/index.js'

const [mode, file] = process.argv.slice(2)

function open() {
  // No trimming within a test's life: the crash test checks a gap-free prefix from seq 1, and a fast
  // machine writes past the default 10,000 frames before the kill.
  return openConversationStore(file, {explicit: true, maxFrames: 10_000_000, onWarning: (w) => console.error(JSON.stringify(w))})
}

if (mode === 'open') {
  try {
    const store = open()
    await store.close()
    console.log(JSON.stringify({ok: true}))
  } catch (error) {
    if (!StoreOpenError.isInstance(error)) throw error
    console.log(JSON.stringify({error: {reason: error.reason, file: error.file, message: error.message}}))
  }
} else if (mode === 'hold') {
  const store = open()
  console.log('ready')
  process.stdin.resume()
  process.stdin.on('end', () => void store.close().then(() => process.exit(0)))
} else if (mode === 'writer') {
  const store = open()
  const conv = 'conv_crash'
  await store.upsertConversation({id: conv, profile: 'default', signature: 'sig', config: {}, title: 'crash test'})
  await store.runStarted(conv, 'inf_crash')
  let seq = 0
  let reported = 0
  setInterval(() => {
    const written = store.stats().frames_written
    if (written !== reported) {
      reported = written
      console.log(`committed ${written}`)
    }
  }, 2)
  const tick = () => {
    seq++
    // A bounded stand-in for the growing cumulative text: names the last delta, so the test can check it.
    const cumulative = `answer through delta ${seq}`
    const event = {type: 'llm.delta', id: 'msg_1', conv_id: conv, inference_id: 'inf_crash', delta: ` ${seq}`, cumulative, seq}
    store.appendFrames(conv, [{seq, type: 'llm.delta', json: JSON.stringify({sem: true, event})}])
    setImmediate(tick)
  }
  tick()
} else {
  console.error(`unknown mode ${mode}`)
  process.exit(2)
}
