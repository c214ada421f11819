// A page of the kind a Vercel AI SDK user writes, against jiminy's POST /api/chat, with the SDK's
// own Chat client (AbstractChat + DefaultChatTransport; a vanilla ChatState instead of React's).
// Query: ?chat=<conv_id>&profile=<slug>&resume=1. No inline script or style: it runs under script-src 'self'.
import {
  AbstractChat,
  DefaultChatTransport,
  getToolName,
  isToolUIPart,
  lastAssistantMessageIsCompleteWithApprovalResponses,
} from './vendor/ai-sdk.js'

/** ChatState as @ai-sdk/react keeps it, with a change callback instead of React state. */
class PageChatState {
  #status = 'ready'
  constructor(onChange) {
    this.onChange = onChange
    this.messages = []
    this.error = undefined
  }
  get status() {
    return this.#status
  }
  set status(value) {
    this.#status = value
    this.onChange()
  }
  pushMessage = (message) => {
    this.messages = [...this.messages, message]
    this.onChange()
  }
  popMessage = () => {
    this.messages = this.messages.slice(0, -1)
    this.onChange()
  }
  replaceMessage = (index, message) => {
    this.messages = this.messages.map((m, i) => (i === index ? message : m))
    this.onChange()
  }
  snapshot = (value) => structuredClone(value)
}

class Chat extends AbstractChat {
  constructor(init) {
    const state = new PageChatState(() => render())
    super({...init, state})
    this.pageState = state
  }
}

const params = new URLSearchParams(location.search)
const profile = params.get('profile')
let chat = undefined
chat = new Chat({
  id: params.get('chat') ?? `page-${Date.now().toString(36)}`,
  transport: new DefaultChatTransport({api: '/api/chat', body: profile ? {profile} : {}}),
  sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  onError: (error) => {
    document.querySelector('[data-testid=error]').textContent = error.message
  },
})

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  node.append(...children)
  return node
}

function renderPart(part) {
  if (part.type === 'text') return el('p', {'data-testid': 'text', 'data-state': part.state ?? ''}, part.text)
  if (part.type === 'reasoning') return el('p', {class: 'reasoning', 'data-testid': 'reasoning'}, part.text)
  if (!isToolUIPart(part)) return undefined
  const box = el(
    'div',
    {class: 'tool', 'data-testid': 'tool', 'data-tool': getToolName(part), 'data-state': part.state},
    el('code', {}, `${getToolName(part)}(${JSON.stringify(part.input ?? {})})`),
  )
  if (part.state === 'output-available') box.append(' → ', el('code', {'data-testid': 'tool-output'}, JSON.stringify(part.output)))
  if (part.state === 'output-error') box.append(' ✗ ', part.errorText)
  if (part.state === 'output-denied') box.append(' denied')
  if (part.state === 'approval-requested') {
    const answer = (approved) => () => chat.addToolApprovalResponse({id: part.approval.id, approved})
    const approve = el('button', {type: 'button', 'data-testid': 'approve'}, 'Approve')
    const deny = el('button', {type: 'button', 'data-testid': 'deny'}, 'Deny')
    approve.addEventListener('click', answer(true))
    deny.addEventListener('click', answer(false))
    box.append(' ', approve, ' ', deny)
  }
  return box
}

function render() {
  if (!chat) return
  document.querySelector('[data-testid=status]').textContent = chat.status
  const list = document.querySelector('[data-testid=messages]')
  list.replaceChildren(
    ...chat.messages.map((m) =>
      el('li', {'data-testid': 'message', 'data-role': m.role, 'data-id': m.id}, ...m.parts.map(renderPart).filter(Boolean)),
    ),
  )
}

document.querySelector('[data-testid=form]').addEventListener('submit', (event) => {
  event.preventDefault()
  const input = document.querySelector('[data-testid=prompt]')
  const text = input.value.trim()
  if (!text) return
  input.value = ''
  void chat.sendMessage({text})
})
document.querySelector('[data-testid=stop]').addEventListener('click', () => void chat.stop())
document.querySelector('[data-testid=resume]').addEventListener('click', () => void chat.resumeStream())
render()
// ?resume=1: pick up the answer this chat is running now (GET /api/chat/{id}/stream; 204 when none).
if (params.get('resume') === '1') void chat.resumeStream()
