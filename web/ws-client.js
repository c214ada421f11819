// @ts-check
/**
 * One conversation's WebSocket (`GET /ws?conv_id=…&profile=…&after_seq=N`), with automatic
 * reconnect. It remembers the highest `seq` it has handed out and reconnects with
 * `after_seq=<that>`, and drops any frame whose seq is not above it, so a frame is shown once even
 * when a replay overlaps what already arrived live.
 */
/** @typedef {import('./page.js').PageEvent} SemEvent */
/** @typedef {import('./page.js').ControlNote} ControlNote */
/** @typedef {Exclude<import('./frames.js').ControlEvent, import('./page.js').ServerNotice>} ControlFrame */
/** @typedef {{state: 'connecting' | 'open' | 'reconnecting' | 'closed', attempt?: number, retryInMs?: number}} SocketStatus */
/** @typedef {{received: number, duplicates: number, gaps: number, connects: number}} SocketStats */

const PING_EVERY_MS = 20_000
/** No message at all for this long (pongs included) means the connection is dead. */
const SILENCE_LIMIT_MS = 50_000
const BACKOFF_FIRST_MS = 300
const BACKOFF_MAX_MS = 8_000

export class ConversationSocket {
  /**
   * @param {object} o
   * @param {string} o.convId
   * @param {string} o.profile
   * @param {string|null} [o.token]
   * @param {number} [o.afterSeq] frames up to this seq are already shown (0 = replay everything)
   * @param {(event: SemEvent) => void} o.onEvent a SEM event, in seq order, each seq once
   * @param {(frame: ControlNote) => void} o.onControl ws.hello / ws.pong / ws.replay / ws.error / client.* notes
   * @param {(status: SocketStatus) => void} o.onStatus
   */
  constructor(o) {
    this.convId = o.convId
    this.profile = o.profile
    this.token = o.token ?? null
    this.lastSeq = o.afterSeq ?? 0
    this.onEvent = o.onEvent
    this.onControl = o.onControl
    this.onStatus = o.onStatus
    /** gaps: frames that skipped seqs the server never announced as lost (a server bug). */
    /** @type {SocketStats} */
    this.stats = {received: 0, duplicates: 0, gaps: 0, connects: 0}
    /** @type {WebSocket | null} */
    this.ws = null
    this.attempt = 0
    this.stopped = false
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pingTimer = undefined
    this.lastMessageAt = 0
    /** @type {number | null} a truncated replay starts here: no gap before it */
    this.replayFrom = null
    /** @type {number | null} */
    this.healedAt = null
    this.onOnline = () => this.reconnectNow()
  }

  start() {
    window.addEventListener('online', this.onOnline)
    this.connect()
  }

  close() {
    this.stopped = true
    window.removeEventListener('online', this.onOnline)
    clearTimeout(this.retryTimer)
    clearInterval(this.pingTimer)
    if (this.ws) {
      this.ws.onclose = null
      this.ws.close(1000, 'client closed')
      this.ws = null
    }
    this.onStatus({state: 'closed'})
  }

  /** Drops the current socket (if any) and connects again at once, resuming from lastSeq. */
  reconnectNow() {
    if (this.stopped) return
    clearTimeout(this.retryTimer)
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) {
      this.ws.close(4000, 'reconnect')
      return
    }
    this.attempt = 0
    this.connect()
  }

  url() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    const q = new URLSearchParams({conv_id: this.convId, profile: this.profile, after_seq: String(this.lastSeq)})
    if (this.token) q.set('token', this.token)
    return `${scheme}://${location.host}/ws?${q}`
  }

  connect() {
    if (this.stopped) return
    this.onStatus({state: this.attempt === 0 ? 'connecting' : 'reconnecting', attempt: this.attempt})
    let ws
    try {
      ws = new WebSocket(this.url())
    } catch (error) {
      this.onControl({type: 'client.error', message: String(error)})
      this.scheduleRetry()
      return
    }
    this.ws = ws
    ws.onopen = () => {
      this.stats.connects += 1
      this.lastMessageAt = Date.now()
      clearInterval(this.pingTimer)
      this.pingTimer = setInterval(() => this.keepAlive(), PING_EVERY_MS)
    }
    ws.onmessage = (message) => this.receive(message.data)
    ws.onclose = (close) => {
      clearInterval(this.pingTimer)
      if (this.ws !== ws) return
      this.ws = null
      if (this.stopped) return
      if (close.code !== 1000 && close.code !== 4000 && close.reason)
        this.onControl({type: 'client.closed', code: close.code, reason: close.reason})
      if (close.code === 4000) this.connect()
      else this.scheduleRetry()
    }
    // onerror is always followed by onclose, which does the retry.
    ws.onerror = () => {}
  }

  scheduleRetry() {
    if (this.stopped) return
    this.attempt += 1
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.attempt - 1))
    const delay = Math.round(base * (0.8 + Math.random() * 0.4))
    this.onStatus({state: 'reconnecting', attempt: this.attempt, retryInMs: delay})
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => this.connect(), delay)
  }

  keepAlive() {
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return
    if (Date.now() - this.lastMessageAt > SILENCE_LIMIT_MS) {
      ws.close(4000, 'silent')
      return
    }
    ws.send(JSON.stringify({type: 'ws.ping'}))
  }

  /** @param {unknown} data */
  receive(data) {
    this.lastMessageAt = Date.now()
    /** @type {unknown} */
    let parsed
    try {
      parsed = JSON.parse(typeof data === 'string' ? data : '')
    } catch {
      this.onControl({type: 'client.bad_frame', text: String(data).slice(0, 200)})
      return
    }
    if (!isObject(parsed)) {
      this.onControl({type: 'client.bad_frame', text: String(data).slice(0, 200)})
      return
    }
    // Every frame is SEM-wrapped (DESIGN §3), control frames (ws.*) included; jiminy v1 sent those bare.
    const sem = parsed.sem === true && isObject(parsed.event) ? parsed.event : null
    if (sem && !(typeof sem.type === 'string' && sem.type.startsWith('ws.'))) {
      this.receiveEvent(/** @type {SemEvent} */ (/** @type {unknown} */ (sem)))
      return
    }
    this.receiveControl(/** @type {ControlFrame} */ (/** @type {unknown} */ (sem ?? parsed)))
  }

  /** @param {ControlFrame} frame */
  receiveControl(frame) {
    if (frame.type === 'ws.hello') {
      this.attempt = 0
      this.onStatus({state: 'open'})
    }
    if (frame.type === 'ws.replay' && frame.reset) {
      // Our cursor is beyond the server's last seq: it restarted (or evicted the conversation) and its
      // seqs start over. Forget ours, tell the page to drop its view, and replay from the start.
      this.lastSeq = 0
      this.replayFrom = null
      this.healedAt = null
      this.onControl(frame)
      this.reconnectNow()
      return
    }
    if (frame.type === 'ws.replay' && frame.truncated) this.replayFrom = frame.from_seq ?? null
    this.onControl(frame)
  }

  /** @param {SemEvent} event */
  receiveEvent(event) {
    this.stats.received += 1
    const seq = 'seq' in event ? Number(event.seq) : NaN
    if (!Number.isFinite(seq)) {
      // A frame without a cursor cannot be deduplicated; show it as it is.
      this.onEvent(event)
      return
    }
    if (seq <= this.lastSeq) {
      this.stats.duplicates += 1
      return
    }
    if (seq > this.lastSeq + 1 && seq !== this.replayFrom) {
      this.stats.gaps += 1
      if (this.healedAt !== this.lastSeq) {
        // Frames went missing without the server saying so: ask again from the last one shown
        // (once per position, so a server that keeps skipping cannot make us loop).
        this.healedAt = this.lastSeq
        this.reconnectNow()
        return
      }
      this.onControl({type: 'client.gap', from: this.lastSeq + 1, to: seq - 1})
    }
    this.replayFrom = null
    this.lastSeq = seq
    this.onEvent(event)
  }
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
