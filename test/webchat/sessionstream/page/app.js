// A small React page on jiminy's sessionstream routes, written as pinocchio's page uses them:
// create (or reuse ?session=) a session, subscribe on /api/chat/ws, hydrate from the snapshot, apply
// uiEvents, send prompts with POST /api/chat/sessions/{id}/messages. No JSX: React.createElement.
import React, {useEffect, useReducer, useState} from 'react'
import {createRoot} from 'react-dom/client'

const h = React.createElement

function reduce(state, action) {
  if (action.type === 'snapshot') {
    const messages = {}
    for (const e of action.entities) if (e.kind === 'ChatMessage') messages[e.id] = {role: e.payload.role, text: e.payload.content ?? ''}
    return {...state, messages, order: Object.keys(messages)}
  }
  const {name, payload: p} = action
  const put = (id, message) => ({
    ...state,
    messages: {...state.messages, [id]: message},
    order: state.order.includes(id) ? state.order : [...state.order, id],
  })
  switch (name) {
    case 'ChatUserMessageAccepted':
      return put(p.messageId, {role: 'user', text: p.content ?? ''})
    case 'ChatTextPatch': {
      const before = state.messages[p.messageId]?.text ?? ''
      return put(p.messageId, {role: 'assistant', text: p.mode === 'CHAT_STREAM_PATCH_MODE_REPLACE' ? p.text : before + (p.text ?? '')})
    }
    case 'ChatTextSegmentFinished':
      return put(p.messageId, {role: 'assistant', text: p.content ?? ''})
    case 'ChatRunFinished':
      return {...state, status: 'finished'}
    default:
      return state
  }
}

function App() {
  const [state, dispatch] = useReducer(reduce, {messages: {}, order: [], status: 'idle'})
  const [session, setSession] = useState(new URLSearchParams(location.search).get('session'))
  const [prompt, setPrompt] = useState('')
  useEffect(() => {
    if (session) return
    fetch('/api/chat/sessions', {method: 'POST', headers: {'content-type': 'application/json'}, body: '{}'})
      .then((r) => r.json())
      .then((b) => setSession(b.sessionId))
  }, [session])
  useEffect(() => {
    if (!session) return
    const ws = new WebSocket(`${location.origin.replace('http', 'ws')}/api/chat/ws`)
    ws.onopen = () => ws.send(JSON.stringify({subscribe: {sessionId: session}}))
    ws.onmessage = (m) => {
      const frame = JSON.parse(m.data)
      if (frame.snapshot)
        dispatch({type: 'snapshot', entities: (frame.snapshot.entities ?? []).map((e) => ({...e, payload: e.payload ?? {}}))})
      if (frame.subscribed) document.body.dataset.subscribed = 'yes'
      if (frame.uiEvent) dispatch({type: 'ui', name: frame.uiEvent.name, payload: frame.uiEvent.payload})
    }
    return () => ws.close()
  }, [session])
  const send = () => {
    dispatch({type: 'ui', name: 'none'})
    fetch(`/api/chat/sessions/${session}/messages`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({prompt}),
    })
    setPrompt('')
  }
  return h(
    'main',
    {'data-session': session ?? '', 'data-status': state.status},
    h(
      'ul',
      {id: 'messages'},
      ...state.order.map((id) => h('li', {key: id, className: state.messages[id].role, 'data-id': id}, state.messages[id].text)),
    ),
    h('input', {id: 'prompt', value: prompt, onChange: (e) => setPrompt(e.target.value)}),
    h('button', {id: 'send', onClick: send, disabled: !session}, 'Send'),
  )
}

createRoot(document.getElementById('root')).render(h(App))
