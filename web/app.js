// @ts-check
import {ApiError, createApi} from './api.js'
import {showConnectionStatus} from './connection-status.js'
import {mergeConversations, renderConversationList} from './conversation-list.js'
import {ConversationStore} from './conversation-store.js'
import {el} from './dom.js'
import {Drawer} from './drawer.js'
import {emptyStateView} from './render.js'
import {plainText} from './markdown.js'
import {newId} from './ids.js'
import {RunState} from './run-state.js'
import {Transcript} from './transcript.js'
import {showServerNotice} from './run-insights.js'
import {initialConversationState, reduceFrame} from './conversation-reducer.js'
import {ConversationSocket} from './ws-client.js'

/** @typedef {import('./page.js').ConversationRecord} ConversationRecord */
/** @typedef {import('./page.js').Overrides} Overrides */
/** @typedef {import('./page.js').PageState} PageState */
/** @typedef {import('./page.js').ControlNote} ControlNote */

/**
 * Wiring: the sidebar, profile picker, composer and run state around one open conversation.
 * Everything here is module state (an ES module's top level is not global); the only global is
 * the documented debug handle `window.jiminy`.
 */
const token = new URLSearchParams(location.search).get('token')
const api = createApi({token})
const store = new ConversationStore()

/**
 * An element of index.html, of the type the page needs (a missing one is a bug, said at once).
 * @template {typeof HTMLElement} T
 * @param {string} id
 * @param {T} type
 * @returns {InstanceType<T>}
 */
function $(id, type) {
  const node = document.getElementById(id)
  if (!(node instanceof type)) throw new Error(`index.html has no ${type.name} #${id}`)
  return /** @type {InstanceType<T>} */ (node)
}
const ui = {
  transcript: $('transcript', HTMLElement),
  status: $('connection-status', HTMLElement),
  title: $('conversation-title', HTMLElement),
  profile: $('profile', HTMLSelectElement),
  profileDesc: $('profile-description', HTMLElement),
  list: $('conversation-list', HTMLElement),
  newConversation: $('new-conversation', HTMLButtonElement),
  form: $('composer', HTMLFormElement),
  prompt: $('prompt', HTMLTextAreaElement),
  send: $('send', HTMLButtonElement),
  cancel: $('cancel', HTMLButtonElement),
  error: $('composer-error', HTMLElement),
  stepMode: $('opt-step-mode', HTMLInputElement),
  systemPrompt: $('opt-system-prompt', HTMLInputElement),
  drawerToggle: $('drawer-toggle', HTMLButtonElement),
  drawerBackdrop: $('drawer-backdrop', HTMLElement),
}

/** The conversation list as a drawer on a phone (a no-op on a wide screen). */
const drawer = new Drawer(ui.drawerToggle, ui.drawerBackdrop)

/** Page-wide server news (`server.notice`: a config reload failed / recovered), above the transcript. */
const bannerSlot = el('div', {class: 'banner-slot', testid: 'banner-slot', 'aria-live': 'assertive'})
ui.transcript.before(bannerSlot)

/** @type {PageState} */
const state = {profiles: [], server: [], convId: null, socket: null, lastWsError: null}

const transcript = new Transcript(ui.transcript, {
  onStepAction: async (pauseId, action) => {
    if (!state.convId) return
    try {
      await api.step(state.convId, pauseId, action)
    } catch (e) {
      throw new Error(e instanceof ApiError && e.status === 409 ? `This pause is no longer waiting (${e.message}).` : messageOf(e))
    }
  },
})

// Exposed for tests and for poking at from the console.
window.jiminy = {state, store, transcript, run: () => run, socketStats: () => state.socket?.stats ?? null}

/** @param {unknown} e */
const messageOf = (e) => (e instanceof Error ? e.message : String(e))
/**
 * @param {string} slug
 * @returns {import('./page.js').ProfileInfo}
 */
const profileInfo = (slug) => state.profiles.find((p) => p.slug === slug) ?? {slug}

// ---- run state -----------------------------------------------------------------------------

const run = new RunState({
  api,
  convId: () => state.convId,
  onChange: (running) => {
    ui.cancel.hidden = !running
    if (!running) ui.cancel.disabled = false
    document.body.classList.toggle('running', running)
    renderList()
  },
})

// ---- socket --------------------------------------------------------------------------------

/** @param {ControlNote} frame */
function onControl(frame) {
  switch (frame.type) {
    case 'ws.hello':
      state.lastWsError = null
      // A conversation this browser sent prompts in, that the server has no frame of: it is gone there.
      gone = frame.last_seq === 0 && Boolean(state.convId && store.get(state.convId)?.title) && !run.running
      if (gone) noticeGone()
      run.scheduleCheck()
      break
    case 'ws.replay':
      if (frame.reset) {
        // The socket replays the conversation from seq 1: start the view over.
        transcript.reset(null)
        conversation = initialConversationState()
        run.reset()
        if (gone) noticeGone()
        break
      }
      if (frame.truncated)
        transcript.notice(
          'info',
          'Older history is gone',
          `${frame.missing ?? 'some'} earlier frames are no longer kept by the server`,
          'replay-truncated',
        )
      break
    case 'ws.error': {
      // The server closes after an error frame and the socket retries: say it once, not per retry.
      const text = String(frame.message ?? frame.code ?? 'error')
      if (text !== state.lastWsError) transcript.notice('error', 'Server', text, 'ws-error')
      state.lastWsError = text
      break
    }
    case 'client.gap':
      transcript.notice('info', 'Missed frames', `seq ${frame.from}–${frame.to} never arrived`, 'gap')
      break
    case 'ws.pong':
      break
    default: {
      // A bare frame of no known type: say so when it carries an error.
      const error = /** @type {{error?: unknown}} */ (frame).error
      if (error) transcript.notice('error', 'Server', String(error), 'ws-error')
    }
  }
}

/** Set by `ws.hello`: the open conversation is one the server no longer has. */
let gone = false
/** The open conversation as the frame reducer has it so far. */
let conversation = initialConversationState()

function noticeGone() {
  transcript.notice(
    'info',
    'This conversation is gone from the server',
    'The server no longer has its history (restarted without a store, or deleted). A new message starts it over.',
    'conversation-gone',
  )
}

/**
 * @param {string} convId
 * @param {string} profile
 */
function connect(convId, profile) {
  state.socket?.close()
  state.socket = new ConversationSocket({
    convId,
    profile,
    token,
    afterSeq: 0,
    onEvent: (event) => {
      const {state: next, actions} = reduceFrame(conversation, event)
      conversation = next
      for (const action of actions) {
        transcript.apply(action)
        if (action.type === 'server-notice') {
          showServerNotice(bannerSlot, action.event)
          if (action.event.kind === 'profiles-changed') refreshProfiles()
        }
        if (action.type === 'run-finished') refreshList()
      }
      run.observe(conversation)
    },
    onControl,
    onStatus: (status) => showConnectionStatus(ui.status, status),
  })
  state.socket?.start()
}

// ---- conversations ---------------------------------------------------------------------------

function renderList() {
  renderConversationList(ui.list, mergeConversations(store.list(), state.server), state.convId, {
    running: run.running,
    onOpen: openConversation,
    onRename: renameConversation,
    onDelete: deleteConversation,
  })
}

/** @param {string} convId */
async function renameConversation(convId) {
  const current = state.server.find((c) => c.conv_id === convId)?.title || store.get(convId)?.title || ''
  const title = window.prompt('Rename conversation', current)?.trim()
  if (!title) return
  try {
    await api.rename(convId, title)
  } catch (e) {
    // 404: a conversation only this browser knows (nothing sent yet): renamed here only.
    if (!(e instanceof ApiError && e.status === 404)) return showError(`Rename failed: ${messageOf(e)}`)
  }
  store.upsert(convId, {title})
  state.server = state.server.map((c) => (c.conv_id === convId ? {...c, title} : c))
  if (convId === state.convId) showTitle()
  refreshList()
}

/** @param {string} convId */
async function deleteConversation(convId) {
  const title = titleOf(convId) || convId
  if (!window.confirm(`Delete "${title}" and its history?`)) return
  try {
    await api.remove(convId)
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) return showError('This conversation is running: cancel it before deleting it.')
    if (!(e instanceof ApiError && e.status === 404)) return showError(`Delete failed: ${messageOf(e)}`)
  }
  store.remove(convId)
  state.server = state.server.filter((c) => c.conv_id !== convId)
  if (convId === state.convId) {
    state.socket?.close()
    state.socket = null
    state.convId = null
    newConversation()
  }
  refreshList()
}

/**
 * A conversation's title as plain text: the server's once it has one (a rename anywhere shows
 * everywhere), else this browser's; '' when neither has one.
 * @param {string} convId
 */
function titleOf(convId) {
  return plainText(state.server.find((c) => c.conv_id === convId)?.title || store.get(convId)?.title || '')
}

/** The open conversation's title in the top bar and the tab. */
function showTitle() {
  const title = (state.convId && titleOf(state.convId)) || 'New conversation'
  ui.title.textContent = title
  document.title = `${title} · jiminy`
}

function refreshList() {
  api.conversations().then(
    (list) => {
      // A bare array, or `{conversations: [...]}`.
      state.server = Array.isArray(list) ? list : Array.isArray(list?.conversations) ? list.conversations : []
      // A conversation opened by URL in a fresh browser learns its title here.
      showTitle()
      renderList()
    },
    () => renderList(),
  )
}

/** @param {string} profile */
function emptyState(profile) {
  return emptyStateView(profileInfo(profile), (example) => {
    ui.prompt.value = example
    ui.prompt.focus()
  })
}

/** @param {string} convId */
function openConversation(convId) {
  drawer.set(false)
  const server = state.server.find((c) => c.conv_id === convId)
  const record =
    store.get(convId) ??
    store.upsert(convId, {profile: server?.profile ?? ui.profile.value, title: server?.title ?? '', updated_at: server?.updated_at})
  state.convId = convId
  store.current = convId
  history.replaceState(null, '', `${location.pathname}${location.search}#${encodeURIComponent(convId)}`)
  selectProfile(record.profile)
  showOverrides(record)
  showTitle()
  ui.error.hidden = true
  transcript.reset(emptyState(ui.profile.value))
  conversation = initialConversationState()
  run.reset()
  connect(convId, ui.profile.value)
}

function newConversation() {
  const current = state.convId ? store.get(state.convId) : null
  const onServer = state.server.some((c) => c.conv_id === state.convId)
  if (current && !current.title && !onServer && !run.running) {
    ui.prompt.focus()
    return
  }
  const convId = newId()
  store.upsert(convId, {profile: ui.profile.value, title: ''})
  openConversation(convId)
  ui.prompt.focus()
}

// ---- profiles and overrides -----------------------------------------------------------------

/** @param {string | null | undefined} slug */
function selectProfile(slug) {
  if (slug && ![...ui.profile.options].some((o) => o.value === slug)) ui.profile.append(el('option', {value: slug, text: slug}))
  if (slug) ui.profile.value = slug
  const info = profileInfo(ui.profile.value)
  ui.profileDesc.textContent = info.description ?? ''
  ui.prompt.placeholder = info.default_prompt ? `Message (e.g. ${info.default_prompt})` : 'Message'
}

/** @param {ConversationRecord} record */
function showOverrides(record) {
  const o = record.overrides ?? {}
  ui.stepMode.checked = o.step_mode ?? Boolean(profileInfo(record.profile).step_mode)
  ui.systemPrompt.value = o.system_prompt ?? ''
}

/** @returns {Overrides} */
function readOverrides() {
  /** @type {Overrides} */
  const out = {}
  if (ui.stepMode.checked !== Boolean(profileInfo(ui.profile.value).step_mode)) out.step_mode = ui.stepMode.checked
  if (ui.systemPrompt.value.trim()) out.system_prompt = ui.systemPrompt.value.trim()
  return out
}

async function loadProfiles() {
  try {
    const list = await api.profiles()
    state.profiles = Array.isArray(list) ? list.filter((p) => p && typeof p.slug === 'string') : []
  } catch (e) {
    showError(`Could not load profiles: ${messageOf(e)}`)
  }
  if (state.profiles.length === 0) state.profiles = [{slug: 'default'}]
  ui.profile.replaceChildren(...state.profiles.map((p) => el('option', {value: p.slug, text: p.slug, title: p.description ?? ''})))
}

/** A reload changed the profile list: picker, description and the empty state show the new one. */
async function refreshProfiles() {
  const current = ui.profile.value
  await loadProfiles()
  selectProfile(current)
  if (state.convId) transcript.replaceEmpty(emptyState(ui.profile.value))
}

// ---- sending and cancelling -----------------------------------------------------------------

/** @param {string} message */
function showError(message) {
  ui.error.textContent = message
  ui.error.hidden = !message
}

/**
 * @param {string} profile
 * @param {Parameters<typeof api.chat>[1]} body
 */
async function postChat(profile, body) {
  try {
    return await api.chat(profile, body)
  } catch (e) {
    // Sent just as the previous run's final frame arrived: the server may not have closed the run yet.
    if (e instanceof ApiError && e.status === 409 && !run.running) {
      await new Promise((r) => setTimeout(r, 250))
      return api.chat(profile, body)
    }
    if (e instanceof ApiError) throw e
    // Network hiccup: retry once with the same idempotency key, so a POST that did reach the server
    // answers with its first run instead of starting a second one.
    await new Promise((r) => setTimeout(r, 600))
    return api.chat(profile, body)
  }
}

async function send() {
  const text = ui.prompt.value.trim()
  if (!text) return
  if (!state.convId) newConversation()
  const convId = state.convId
  if (!convId) return
  const profile = ui.profile.value
  const overrides = readOverrides()
  store.upsert(convId, {
    profile,
    overrides,
    title: store.get(convId)?.title || text.slice(0, 80),
    updated_at: new Date().toISOString(),
  })
  showTitle()
  showError('')
  ui.prompt.value = ''
  const pending = transcript.addPendingPrompt(text)
  const body = {prompt: text, conv_id: convId, idempotency_key: newId(), ...(Object.keys(overrides).length ? {overrides} : {})}
  renderList()
  try {
    const answer = await postChat(profile, body)
    const inferenceId = answer?.inference_id ?? answer?.run_id
    if (inferenceId) pending.started(inferenceId)
    if (convId === state.convId) run.set(true, inferenceId ?? null)
    refreshList()
  } catch (e) {
    const message =
      e instanceof ApiError && e.status === 409
        ? `A run is already in progress${e.body?.inference_id ? ` (${e.body.inference_id})` : ''}. Cancel it or wait for it to finish.`
        : e instanceof ApiError
          ? `${e.message} (HTTP ${e.status})`
          : `Could not reach the server: ${messageOf(e)}`
    pending.failed(message)
    showError(message)
    if (!ui.prompt.value) ui.prompt.value = text
  }
}

async function cancelRun() {
  if (!state.convId) return
  ui.cancel.disabled = true
  try {
    await api.cancel(state.convId)
  } catch (e) {
    showError(`Cancel failed: ${messageOf(e)}`)
    ui.cancel.disabled = false
  }
}

// ---- events --------------------------------------------------------------------------------

ui.form.addEventListener('submit', (e) => {
  e.preventDefault()
  send()
})
ui.prompt.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault()
    send()
  } else if (e.key === 'Escape' && run.running) {
    e.preventDefault()
    cancelRun()
  }
})
ui.cancel.addEventListener('click', cancelRun)
ui.newConversation.addEventListener('click', newConversation)
ui.profile.addEventListener('change', () => {
  selectProfile(ui.profile.value)
  store.lastProfile = ui.profile.value
  if (!state.convId) return
  const record = store.upsert(state.convId, {profile: ui.profile.value})
  showOverrides(record)
  if (state.socket) {
    state.socket.profile = ui.profile.value
    // A socket refused for its profile (unknown_profile) is waiting to retry: retry with this one now.
    if (state.lastWsError) state.socket.reconnectNow()
  }
})
for (const input of [ui.stepMode, ui.systemPrompt]) {
  input.addEventListener('change', () => state.convId && store.upsert(state.convId, {overrides: readOverrides()}))
}
window.addEventListener('hashchange', () => {
  const id = decodeURIComponent(location.hash.slice(1))
  if (id && id !== state.convId) openConversation(id)
})

// ---- start ---------------------------------------------------------------------------------

await loadProfiles()
const serverDefault =
  state.profiles.find((p) => p.default === true) ?? state.profiles.find((p) => p.slug === 'default') ?? state.profiles[0]
selectProfile(state.profiles.some((p) => p.slug === store.lastProfile) ? store.lastProfile : serverDefault?.slug)
refreshList()
setInterval(refreshList, 15_000)
const fromHash = decodeURIComponent(location.hash.slice(1))
if (fromHash) openConversation(fromHash)
else if (store.current && store.get(store.current)) openConversation(store.current)
else newConversation()
