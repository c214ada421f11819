// @ts-check
/**
 * HTTP calls to the jiminy server (DESIGN §3). Every call goes through `request`, which adds the
 * bearer token when the page was opened with `?token=`, and turns a non-2xx answer into an
 * ApiError carrying the server's JSON `{error}` message.
 */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {any} body the server's JSON answer, if it sent one
   */
  constructor(status, message, body) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.body = body
  }
}

/**
 * @param {{token?: string | null, base?: string}} [o]
 */
export function createApi({token = null, base = ''} = {}) {
  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>} the JSON answer (null when empty)
   */
  async function request(method, path, body) {
    /** @type {Record<string, string>} */
    const headers = {accept: 'application/json'}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? {body: JSON.stringify(body)} : {}),
    })
    const text = await response.text()
    let data = null
    if (text) {
      try {
        data = JSON.parse(text)
      } catch {
        data = null
      }
    }
    if (!response.ok) {
      const message = data && typeof data.error === 'string' ? data.error : text.trim() || response.statusText || 'request failed'
      throw new ApiError(response.status, message, data)
    }
    return data
  }

  const enc = encodeURIComponent
  return {
    /** `[{slug, description, default_prompt, …}]` */
    profiles: () => request('GET', '/api/chat/profiles'),
    /** `[{conv_id, profile, running, updated_at, title?}]` */
    conversations: () => request('GET', '/api/conversations'),
    /** @param {string} convId */
    conversation: (convId) => request('GET', `/api/conversations/${enc(convId)}`),
    /**
     * `PATCH /api/conversations/{id}` `{title}` (404 for a conversation the server never stored)
     * @param {string} convId
     * @param {string} title
     */
    rename: (convId, title) => request('PATCH', `/api/conversations/${enc(convId)}`, {title}),
    /** @param {string} convId `DELETE`: 409 while it runs, 404 when the server does not have it */
    remove: (convId) => request('DELETE', `/api/conversations/${enc(convId)}`),
    /** `{prompt, conv_id, overrides?, idempotency_key}` → `{conv_id, inference_id, …}` */
    /**
     * @param {string} profile
     * @param {{prompt: string, conv_id: string, idempotency_key: string, overrides?: import('./page.js').Overrides}} body
     */
    chat: (profile, body) => request('POST', `/chat/${enc(profile)}`, body),
    /** @param {string} convId */
    cancel: (convId) => request('POST', `/api/conversations/${enc(convId)}/cancel`, {}),
    /**
     * @param {string} convId
     * @param {string} pauseId
     * @param {string} action
     */
    step: (convId, pauseId, action) => request('POST', `/api/conversations/${enc(convId)}/step`, {pause_id: pauseId, action}),
  }
}
