// @ts-check
/**
 * What the page remembers in localStorage: the conversations this browser started (id, profile,
 * title, overrides) and which one is open. Prompts are not kept here: each run's `user.message`
 * frame brings its prompt back on replay, in any browser.
 */
/** @typedef {import('./page.js').ConversationRecord} ConversationRecord */
/**
 * @typedef {object} StoredData
 * @property {ConversationRecord[]} conversations
 * @property {string | null} current
 * @property {string | null} lastProfile
 */

const KEY = 'jiminy.webchat.v1'
const MAX_CONVERSATIONS = 100

/** @returns {StoredData} */
function load() {
  try {
    const data = JSON.parse(localStorage.getItem(KEY) ?? 'null')
    if (data && typeof data === 'object' && Array.isArray(data.conversations)) {
      return {
        conversations: data.conversations,
        current: data.current ?? null,
        lastProfile: data.lastProfile ?? null,
      }
    }
  } catch {
    // A corrupt entry is replaced below.
  }
  return {conversations: [], current: null, lastProfile: null}
}

export class ConversationStore {
  constructor() {
    this.data = load()
  }

  save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(this.data))
    } catch {
      // Storage full or disabled: the page keeps working for this visit.
    }
  }

  list() {
    return [...this.data.conversations]
  }

  /** @param {string | null} convId */
  get(convId) {
    return this.data.conversations.find((c) => c.conv_id === convId) ?? null
  }

  /**
   * Creates or updates a conversation record and moves it to the top.
   * @param {string} convId
   * @param {Partial<ConversationRecord>} patch
   * @returns {ConversationRecord}
   */
  upsert(convId, patch) {
    const existing = this.get(convId)
    /** @type {ConversationRecord} */
    const record = {
      conv_id: convId,
      profile: 'default',
      title: '',
      overrides: {},
      updated_at: new Date().toISOString(),
      ...existing,
      ...patch,
    }
    this.data.conversations = [record, ...this.data.conversations.filter((c) => c.conv_id !== convId)].slice(0, MAX_CONVERSATIONS)
    this.save()
    return record
  }

  /** @param {string} convId */
  remove(convId) {
    this.data.conversations = this.data.conversations.filter((c) => c.conv_id !== convId)
    if (this.data.current === convId) this.data.current = null
    this.save()
  }

  get current() {
    return this.data.current
  }

  /** @param {string | null} convId */
  set current(convId) {
    this.data.current = convId
    this.save()
  }

  get lastProfile() {
    return this.data.lastProfile
  }

  /** @param {string | null} slug */
  set lastProfile(slug) {
    this.data.lastProfile = slug
    this.save()
  }
}
