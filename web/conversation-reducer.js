// @ts-check
/**
 * THE frame reducer: the one place the page reads a conversation frame's type. Each frame (in seq
 * order, each once) gives the next conversation state (is a run going, which pauses are open, has
 * any run started) and the list of things to show, which the transcript draws and the app and run
 * state read. A new frame type touches this file (and a view, when it needs a new one), nothing else.
 * Pure: no DOM, no clock, so `test/web/conversation-reducer.test.ts` runs it in Node.
 */

/** @typedef {import('./page.js').PageEvent} PageEvent */
/** @typedef {import('./page.js').ViewAction} ViewAction */
/** @typedef {import('./page.js').ConversationState} ConversationState */

/** @returns {ConversationState} */
export function initialConversationState() {
  return {running: null, finished: new Set(), pauses: new Map(), hasRuns: false}
}

const THINKING_SUFFIX = ':thinking'
/** What a decision did to the proposed tool calls it answered (a continue runs them; their frames say so). */
const OUTCOME = /** @type {const} */ ({skip: 'skipped', deny: 'denied'})

/**
 * A frame of the open conversation (or a server.notice) in, the next state and what to show out.
 * @type {import('./page.js').ReduceFrame}
 */
export function reduceFrame(state, event) {
  if (event.type === 'server.notice') return {state, actions: [{type: 'server-notice', event}]}
  const run = event.inference_id ?? null
  const seq = event.seq
  const at = {run, seq}
  const next = run && !state.finished.has(run) && state.running !== run ? startRun(state, run) : state
  switch (event.type) {
    case 'user.message':
      return {state: next, actions: [{type: 'prompt', ...at, text: event.text}]}
    case 'llm.start':
    case 'llm.delta':
    case 'llm.final': {
      /** @type {ViewAction[]} */
      const actions = [{type: 'assistant', ...at, id: event.id, event}]
      // The answer streams or ends: thinking is over, with or without its llm.thinking.final.
      if (event.type !== 'llm.start') actions.push({type: 'thinking-over', id: `${event.id}${THINKING_SUFFIX}`})
      return {state: next, actions}
    }
    case 'llm.thinking.start':
    case 'llm.thinking.delta':
    case 'llm.thinking.final': {
      const owner = event.id.endsWith(THINKING_SUFFIX) ? event.id.slice(0, -THINKING_SUFFIX.length) : null
      return {state: next, actions: [{type: 'thinking', ...at, id: event.id, owner, event}]}
    }
    case 'tool.start':
    case 'tool.delta':
    case 'tool.result':
    case 'tool.done':
      return {state: next, actions: [{type: 'tool', ...at, id: event.id, event}]}
    case 'step.paused': {
      const pauses = new Map(next.pauses)
      pauses.set(event.pause_id, {run, phase: event.phase, toolIds: event.tool_calls.map((c) => c.id)})
      return {state: {...next, pauses}, actions: [{type: 'step', ...at, id: event.pause_id, event}]}
    }
    case 'step.resumed': {
      const pause = next.pauses.get(event.pause_id)
      const pauses = new Map(next.pauses)
      pauses.delete(event.pause_id)
      /** @type {ViewAction[]} */
      const actions = [{type: 'step', ...at, id: event.pause_id, event}]
      const outcome = event.action === 'skip' || event.action === 'deny' ? OUTCOME[event.action] : null
      if (outcome && pause?.phase === 'after_inference') for (const id of pause.toolIds) actions.push({type: 'tool-outcome', id, outcome})
      return {state: {...next, pauses}, actions}
    }
    case 'run.cancelled':
      return {
        state: next,
        actions: [
          {
            type: 'run-stopped',
            ...at,
            how: 'cancelled',
            messageId: event.message_id ?? null,
            detail: event.text ? 'the partial answer above is kept' : '',
          },
        ],
      }
    case 'run.error': {
      const detail = event.code && !event.message.includes(event.code) ? `${event.message} (${event.code})` : event.message
      return {state: next, actions: [{type: 'run-stopped', ...at, how: 'failed', messageId: event.message_id ?? null, detail}]}
    }
    case 'run.finished': {
      // The last frame of every run: whatever pause it left open can no longer be answered.
      const ended = event.inference_id
      const finished = new Set(next.finished).add(ended)
      const pauses = new Map(next.pauses)
      /** @type {ViewAction[]} */
      const actions = []
      for (const [id, pause] of next.pauses) {
        if (pause.run !== ended) continue
        pauses.delete(id)
        actions.push({type: 'pause-closed', id, status: event.status})
      }
      actions.push({type: 'run-finished', ...at, run: ended, status: event.status, timeline: event.timeline ?? null})
      const running = next.running === ended ? null : next.running
      return {state: {...next, running, finished, pauses}, actions}
    }
    case 'conversation.rebuilt':
      // Placed by its seq (before the run it caused); a conversation with no run has nothing to explain yet.
      return {state: next, actions: state.hasRuns ? [{type: 'rebuild', ...at, event}] : []}
    case 'run.info':
      return {state: next, actions: [{type: 'notice', ...at, kind: 'info', title: 'Note', detail: event.message, testid: 'run-info'}]}
    case 'middleware.trace':
      return {state: next, actions: [{type: 'trace', ...at, event}]}
    case 'log':
      return {state: next, actions: [{type: 'log', ...at, event}]}
    case 'agent.mode':
      return {state: next, actions: [{type: 'agent-mode', ...at, event}]}
    default:
      return unknownFrame(next, event)
  }
}

/**
 * @param {ConversationState} state
 * @param {string} run
 * @returns {ConversationState}
 */
function startRun(state, run) {
  return {...state, running: run, hasRuns: true}
}

/**
 * A frame type this page does not know (a newer server): shown as a debug line, never dropped silently.
 * @param {ConversationState} state
 * @param {never} event
 * @returns {{state: ConversationState, actions: ViewAction[]}}
 */
function unknownFrame(state, event) {
  const frame = /** @type {{type?: unknown, inference_id?: string, seq?: number}} */ (event)
  const message = `unhandled frame type ${String(frame.type)}`
  return {state, actions: [{type: 'log', run: frame.inference_id ?? null, seq: frame.seq, event: {level: 'debug', message, fields: {}}}]}
}
