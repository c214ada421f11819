import type WebSocket from 'ws'

/** The part of a net.Socket the corker uses. */
interface Corkable {
  cork(): void
  uncork(): void
}

/**
 * Corks a WebSocket's TCP socket until the end of the current tick, so every frame sent to it in
 * one tick leaves in one `writev` instead of one syscall each (a run's events arrive in bursts:
 * a provider chunk often makes several frames, and a tick of the bench makes a hundred). The
 * socket is uncorked on `process.nextTick`, which runs once the current macrotask and all its
 * microtasks are done: frames are never held past the tick that sent them.
 *
 * Process-wide, one scheduled tick for every corked socket of every conversation. Corked bytes
 * still count in `ws.bufferedAmount` (they are in the socket's writable buffer), so the slow-socket
 * cap sees them. A socket without a reachable net socket (a test double) is simply not corked.
 */
const corked: Corkable[] = []
const marked = new WeakSet<Corkable>()
let scheduled = false

export function corkForTick(ws: WebSocket): void {
  const raw = rawSocket(ws)
  if (raw === undefined || marked.has(raw)) return
  raw.cork()
  marked.add(raw)
  corked.push(raw)
  if (!scheduled) {
    scheduled = true
    process.nextTick(uncorkAll)
  }
}

/** Sockets corked now and not yet uncorked (tests). */
export function corkedCount(): number {
  return corked.length
}

function uncorkAll(): void {
  scheduled = false
  // A socket corked while this runs (an uncork that makes a write callback send again) waits for the next tick.
  const batch = corked.splice(0)
  for (const raw of batch) {
    marked.delete(raw)
    try {
      raw.uncork()
    } catch {
      // A destroyed socket has nothing to flush; the others must still go out.
    }
  }
}

/** `ws` keeps its net.Socket as `_socket` (ws 8); anything else is not corked. */
function rawSocket(ws: WebSocket): Corkable | undefined {
  const raw = (ws as unknown as {_socket?: Partial<Corkable> | null})._socket
  return raw && typeof raw.cork === 'function' && typeof raw.uncork === 'function' ? (raw as Corkable) : undefined
}
