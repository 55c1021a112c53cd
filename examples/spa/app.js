/* global window, document, location, history, fetch, console, URL, URLSearchParams */
// The ory-bff example SPA: no dependencies, no build step. Every Ory call goes to /.ory on this page's own origin,
// where the BFF mirrors Ory's browser API (https://www.ory.sh/docs/kratos/bring-your-own-ui/custom-ui-basic-integration).
// Flows are rendered generically from `ui.nodes`, so whatever methods the Ory project enables show up without code
// changes here. Ory's data only ever reaches the page through textContent and setAttribute, never as HTML.

const ORY = '/.ory'
const FLOWS = ['login', 'registration', 'settings', 'recovery', 'verification']
const PAGES = new Set([...FLOWS, 'error', 'oauth2'])
// Query parameters a flow is created with, passed on from the page's own URL.
const FLOW_PARAMS = ['return_to', 'refresh', 'aal', 'login_challenge', 'organization', 'via']
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor'])
// After this many restarts in a row (expired flow, CSRF mismatch) the page stops and shows the error instead.
const MAX_RESTARTS = 2

const app = document.getElementById('app')
const flash = document.getElementById('flash')
let restarts = 0
// A flash set just before a navigation survives that one render; any other navigation clears it.
let flashFresh = false

// ---------------------------------------------------------------------------------------------------------------
// Small DOM helpers: elements are built with properties and attributes, text is always text.

function el (tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    node.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null) continue
    node.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
  return node
}

function show (...children) {
  app.replaceChildren(...children.flat(Infinity).filter(Boolean))
}

function setFlash (text, type = 'info') {
  flash.replaceChildren()
  flashFresh = Boolean(text)
  if (text) flash.append(el('p', { class: `message message-${type}` }, text))
}

/** Only http(s), same-document and relative URLs (and data: images) become links or sources. */
function safeUrl (value, { image = false } = {}) {
  if (typeof value !== 'string' || value === '') return undefined
  if (image && /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i.test(value)) return value
  try {
    const url = new URL(value, location.href)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Talking to Ory through the BFF.

/** One call to the mirrored Ory API: JSON in and out, cookies included. Resolves with the status and parsed body. */
async function ory (path, { method = 'GET', body, url } = {}) {
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const response = await fetch(url ?? `${ORY}${path}`, {
    method,
    headers,
    credentials: 'include',
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  return await answerOf(response, () => ({ error: { code: response.status, message: 'The server answered with something other than JSON.' } }))
}

/** The status and the parsed JSON body (null when empty); `notJson(text)` stands in for a body that is not JSON. */
async function answerOf (response, notJson) {
  const text = await response.text()
  let data = null
  if (text !== '') {
    try {
      data = JSON.parse(text)
    } catch {
      data = notJson(text)
    }
  }
  return { status: response.status, data }
}

function errorOf (data) {
  return data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : undefined
}

function isFlow (data) {
  return data && typeof data === 'object' && data.ui && Array.isArray(data.ui.nodes)
}

// ---------------------------------------------------------------------------------------------------------------
// Routing: #/page?query. Ory redirects browsers to the UI URLs (/login?flow=…); those load this same page, which
// moves the path into the hash.

function route () {
  const hash = location.hash.replace(/^#\/?/, '')
  const [page, query = ''] = hash.split('?', 2)
  return { page, params: new URLSearchParams(query) }
}

function go (page, params) {
  const query = params === undefined ? '' : new URLSearchParams(params).toString()
  const hash = `#/${page}${query === '' ? '' : `?${query}`}`
  if (location.hash === hash) {
    render()
  } else {
    location.hash = hash
  }
}

/** Writes the flow id into the address (replaceState fires no hashchange), so that a reload keeps the flow. */
function rememberFlow (page, id) {
  const params = route().params
  if (params.get('flow') === id) return
  params.set('flow', id)
  history.replaceState(null, '', `#/${page}?${params.toString()}`)
}

/** Follows a URL Ory gave (redirect_browser_to, a Location): a page of this SPA is routed here, the rest is loaded. */
function follow (target) {
  const href = safeUrl(target)
  if (href === undefined) {
    setFlash('Ory asked to go to an address that is not http(s); staying here.', 'error')
    return
  }
  const url = new URL(href)
  if (url.origin === location.origin && !url.pathname.startsWith(`${ORY}/`)) {
    const page = url.pathname.replace(/^\/+|\/+$/g, '')
    if (page === '' && url.hash.startsWith('#/')) {
      location.hash = url.hash
      return
    }
    if (page === '' || PAGES.has(page)) {
      go(page, url.searchParams)
      return
    }
  }
  location.assign(url.href)
}

function fromUiPath () {
  const page = location.pathname.replace(/^\/+|\/+$/g, '')
  if (!PAGES.has(page)) return
  history.replaceState(null, '', `/#/${page}${location.search}`)
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering a flow from its ui.nodes.

function messageList (messages) {
  if (!Array.isArray(messages) || messages.length === 0) return null
  return el('ul', { class: 'messages' }, messages.map(message => el('li', {
    class: `message message-${['info', 'error', 'success'].includes(message.type) ? message.type : 'info'}`,
    'data-message-id': message.id
  }, String(message.text ?? ''))))
}

function labelText (node) {
  const label = node.meta?.label ?? node.attributes?.label
  return label && typeof label.text === 'string' ? label.text : ''
}

function inputValue (value) {
  if (value === undefined || value === null) return undefined
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/** Ory's webauthn.js defines these window functions; the deprecated `onclick` strings are never evaluated. */
function callTrigger (name) {
  const fn = typeof name === 'string' ? window[name] : undefined
  if (typeof fn === 'function') fn()
  else console.warn(`ory-bff example: ${name} is not loaded`)
}

/** Calls an `onloadTrigger` once the script that defines it has loaded (script load events reach a capturing listener). */
function callTriggerWhenLoaded (name) {
  if (typeof window[name] === 'function') return callTrigger(name)
  const loaded = () => {
    if (typeof window[name] !== 'function') return
    document.removeEventListener('load', loaded, true)
    callTrigger(name)
  }
  document.addEventListener('load', loaded, true)
}

function renderInput (node) {
  const a = node.attributes
  const label = labelText(node)
  const messages = messageList(node.messages)
  if (a.onloadTrigger) callTriggerWhenLoaded(a.onloadTrigger)
  if (a.type === 'hidden') {
    return el('input', { type: 'hidden', name: a.name, value: inputValue(a.value) })
  }
  if (a.type === 'submit' || a.type === 'button') {
    const button = el('button', {
      type: a.onclickTrigger ? 'button' : a.type,
      name: a.name,
      value: inputValue(a.value),
      disabled: a.disabled === true
    }, label || String(a.value ?? a.name))
    if (a.onclickTrigger) button.addEventListener('click', () => callTrigger(a.onclickTrigger))
    return el('div', { class: 'node node-button' }, button, messages)
  }
  if (a.type === 'checkbox') {
    const box = el('input', { type: 'checkbox', name: a.name, value: 'true', disabled: a.disabled === true, required: a.required === true })
    box.checked = a.value === true || a.value === 'true'
    return el('div', { class: 'node node-checkbox' }, el('label', {}, box, ' ', label), messages)
  }
  const input = el('input', {
    type: a.type,
    name: a.name,
    value: inputValue(a.value),
    required: a.required === true,
    disabled: a.disabled === true,
    autocomplete: a.autocomplete,
    pattern: a.pattern,
    maxlength: a.maxlength
  })
  return el('div', { class: `node node-input${node.messages?.some(m => m.type === 'error') ? ' invalid' : ''}` },
    el('label', {}, el('span', { class: 'label' }, label || a.name), input), messages)
}

function renderText (node) {
  const a = node.attributes
  const text = a.text ?? {}
  const parts = [el('p', { id: a.id, class: 'node-text' }, String(text.text ?? ''))]
  // Lookup secrets (recovery codes) arrive as a list in the text's context.
  const secrets = text.context?.secrets
  if (Array.isArray(secrets)) parts.push(el('ul', { class: 'secrets' }, secrets.map(s => el('li', {}, el('code', {}, String(s?.text ?? ''))))))
  const label = labelText(node)
  return el('div', { class: 'node node-text-block' }, label ? el('p', { class: 'label' }, label) : null, parts, messageList(node.messages))
}

function renderImage (node) {
  const a = node.attributes
  const src = safeUrl(a.src, { image: true })
  if (src === undefined) return null
  return el('figure', { class: 'node node-image' },
    el('img', { id: a.id, src, width: a.width, height: a.height, alt: labelText(node) }),
    messageList(node.messages))
}

function renderAnchor (node) {
  const a = node.attributes
  const href = safeUrl(a.href)
  if (href === undefined) return null
  return el('p', { class: 'node node-anchor' }, el('a', { id: a.id, href }, String(a.title?.text ?? labelText(node) ?? href)))
}

function renderScript (node) {
  const a = node.attributes
  const src = safeUrl(a.src)
  // Ory's scripts (webauthn.js) come through the BFF, so they are on this origin; nothing else is loaded.
  if (src === undefined || new URL(src).origin !== location.origin) return null
  if (a.id && document.getElementById(a.id)) return null
  if ([...document.scripts].some(existing => existing.src === src)) return null
  const script = el('script', {
    id: a.id,
    src,
    type: a.type || undefined,
    integrity: a.integrity || undefined,
    crossorigin: a.crossorigin || undefined,
    referrerpolicy: a.referrerpolicy || undefined,
    nonce: a.nonce || undefined
  })
  script.async = a.async === true
  document.body.append(script)
  return null
}

function renderDivision (node) {
  const a = node.attributes
  const div = el('div', { id: a.id, class: a.class })
  for (const [key, value] of Object.entries(a.data ?? {})) {
    if (/^[a-z][a-z0-9-]*$/i.test(key)) div.setAttribute(`data-${key}`, String(value))
  }
  return div
}

function renderNode (node) {
  switch (node.attributes?.node_type ?? node.type) {
    case 'input': return renderInput(node)
    case 'text': return renderText(node)
    case 'img': return renderImage(node)
    case 'a': return renderAnchor(node)
    case 'script': return renderScript(node)
    case 'div': return renderDivision(node)
    default: return null
  }
}

/** Sets `traits.name.first` as `{ traits: { name: { first } } }`: Ory's dotted names stand for nesting. */
function setPath (target, name, value) {
  const keys = name.split('.')
  if (keys.some(key => key === '' || UNSAFE_KEYS.has(key))) return
  let at = target
  for (const key of keys.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {}
    at = at[key]
  }
  at[keys[keys.length - 1]] = value
}

/** The JSON body a form stands for: its fields (typed as Ory declared them) and the button that was pressed. */
function formBody (form, submitter) {
  const body = {}
  for (const field of form.elements) {
    if (!(field instanceof window.HTMLInputElement) || field.name === '' || field.disabled) continue
    if (field.type === 'checkbox') setPath(body, field.name, field.checked)
    else if (field.type === 'number') setPath(body, field.name, field.value === '' ? undefined : Number(field.value))
    else setPath(body, field.name, field.value)
  }
  if (submitter && submitter.name) setPath(body, submitter.name, submitter.value)
  return body
}

/** Where a flow's form is sent: its own ui.action (the BFF rewrote it to this origin), else the documented path. */
function actionOf (kind, flow) {
  const action = safeUrl(flow.ui.action)
  if (action !== undefined && new URL(action).origin === location.origin) return action
  console.warn(`ory-bff example: ${kind} flow action is not on this origin: ${flow.ui.action}`)
  return `${location.origin}${ORY}/self-service/${kind}?flow=${encodeURIComponent(flow.id)}`
}

function flowForm (kind, flow, nodes, group) {
  const action = actionOf(kind, flow)
  const form = el('form', { action, method: (flow.ui.method || 'POST').toLowerCase(), 'data-flow': kind, 'data-group': group, novalidate: true },
    nodes.map(renderNode))
  form.addEventListener('submit', event => {
    event.preventDefault()
    const submitter = event.submitter
    for (const control of form.querySelectorAll('button')) control.disabled = true
    submit(kind, action, formBody(form, submitter)).catch(failed)
  })
  return form
}

const TITLES = {
  login: 'Sign in',
  registration: 'Create an account',
  settings: 'Account settings',
  recovery: 'Recover your account',
  verification: 'Verify your email address'
}

function renderFlow (kind, flow) {
  restarts = 0
  rememberFlow(kind, flow.id)
  const nodes = flow.ui.nodes
  const sections = [el('h1', {}, TITLES[kind]), messageList(flow.ui.messages)]
  if (kind === 'settings') {
    // One form per method, as Ory's own UIs do: saving the profile must not send an empty password along.
    const shared = nodes.filter(node => node.group === 'default')
    const groups = [...new Set(nodes.map(node => node.group).filter(group => group !== 'default'))]
    for (const group of groups) {
      sections.push(el('section', { class: 'group', 'data-group': group },
        el('h2', {}, group.replace(/_/g, ' ')),
        flowForm(kind, flow, [...shared, ...nodes.filter(node => node.group === group)], group)))
    }
  } else {
    sections.push(flowForm(kind, flow, nodes, 'all'))
  }
  if (kind === 'login') sections.push(el('p', { class: 'links' }, el('a', { href: '#/registration' }, 'Create an account'), ' · ', el('a', { href: '#/recovery' }, 'Forgot your password?')))
  if (kind === 'registration') sections.push(el('p', { class: 'links' }, el('a', { href: '#/login' }, 'Already have an account? Sign in')))
  show(el('article', { class: `flow flow-${kind}`, 'data-state': flow.state }, sections))
}

function renderError (title, data) {
  const error = errorOf(data) ?? {}
  show(el('article', { class: 'flow flow-error' },
    el('h1', {}, title),
    el('p', { class: 'message message-error', id: 'error-message' }, String(error.message ?? 'Something went wrong.')),
    error.reason ? el('p', { class: 'reason' }, String(error.reason)) : null,
    error.id ? el('p', {}, 'Error id: ', el('code', {}, String(error.id))) : null,
    el('p', {}, el('a', { href: '#/' }, 'Home'))))
}

// ---------------------------------------------------------------------------------------------------------------
// The flow lifecycle: create or fetch, submit, and what each answer means
// (https://www.ory.sh/docs/kratos/self-service#browser-flows-for-client-side-apps-single-page-apps-reactjs-angular-nextjs).

async function startFlow (kind, params) {
  const id = params.get('flow')
  if (id) {
    const { status, data } = await ory(`/self-service/${kind}/flows?id=${encodeURIComponent(id)}`)
    if (status === 200 && isFlow(data)) return renderFlow(kind, data)
    // Expired, unknown or not this browser's (CSRF): start again, keeping the other parameters.
    return restart(kind, params, data)
  }
  const query = new URLSearchParams()
  for (const name of FLOW_PARAMS) if (params.has(name)) query.set(name, params.get(name))
  const search = query.toString()
  const { status, data } = await ory(`/self-service/${kind}/browser${search === '' ? '' : `?${search}`}`)
  return answer(kind, status, data)
}

function restart (kind, params, data) {
  restarts += 1
  if (restarts > MAX_RESTARTS) return renderError(`The ${kind} flow could not be started`, data)
  const next = new URLSearchParams(params)
  next.delete('flow')
  const replacement = data?.use_flow_id ?? errorOf(data)?.details?.use_flow_id
  if (typeof replacement === 'string' && replacement !== '') next.set('flow', replacement)
  go(kind, next)
}

async function submit (kind, action, body) {
  setFlash('')
  const { status, data } = await ory('', { method: 'POST', url: action, body })
  return answer(kind, status, data, true)
}

/** Acts on Ory's answer to creating, fetching or submitting a flow. */
function answer (kind, status, data, submitted = false) {
  const error = errorOf(data)
  if ((status === 200 || status === 400) && isFlow(data)) {
    // 400: the flow again, with Ory's messages on the fields that need them.
    renderFlow(kind, data)
    if (status === 200 && submitted) handleContinueWith(data.continue_with, false)
    return
  }
  if (status === 200 && submitted) return succeeded(kind, data)
  if (status === 422 && data?.redirect_browser_to) return follow(data.redirect_browser_to)
  if (status === 410) return restart(kind, route().params, data)
  if (status === 403) {
    // A privileged action needs a fresh sign-in, or a second factor: Ory says where to go.
    if (data?.redirect_browser_to) return follow(data.redirect_browser_to)
    if (error?.id === 'security_csrf_violation') return restart(kind, route().params, data)
  }
  if (error?.id === 'session_already_available') {
    setFlash('You are already signed in.')
    return go('')
  }
  if (status === 401 || error?.id === 'session_inactive') {
    setFlash('Please sign in first.')
    return go('login')
  }
  renderError(`The ${kind} flow failed`, data)
}

/** `continue_with` items (https://www.ory.sh/docs/kratos/self-service/flows/continue-with): whether one navigated. */
function handleContinueWith (items, navigate) {
  if (!Array.isArray(items)) return false
  const verification = items.find(item => item?.action === 'show_verification_ui')
  if (verification?.flow?.id) {
    setFlash(`We sent a verification code to ${verification.flow.verifiable_address ?? 'your email address'}.`, 'info')
    if (navigate) {
      go('verification', { flow: verification.flow.id })
      return true
    }
  }
  for (const item of items) {
    if (item?.action === 'show_settings_ui' && item.flow?.id) return navigate && (go('settings', { flow: item.flow.id }), true)
    if (item?.action === 'show_recovery_ui' && item.flow?.id) return navigate && (go('recovery', { flow: item.flow.id }), true)
    if (item?.action === 'redirect_browser_to' && item.redirect_browser_to) return navigate && (follow(item.redirect_browser_to), true)
  }
  return false
}

function succeeded (kind, data) {
  if (kind === 'login') setFlash('You are signed in.', 'success')
  if (kind === 'registration') setFlash('Your account was created.', 'success')
  if (handleContinueWith(data?.continue_with, true)) return
  go('')
}

// ---------------------------------------------------------------------------------------------------------------
// Pages that are not flows.

async function home () {
  const { status, data } = await ory('/sessions/whoami')
  if (status === 401 || status === 403) {
    show(el('article', { class: 'home signed-out' },
      el('h1', {}, 'Welcome'),
      el('p', { id: 'whoami-status' }, 'You are not signed in.'),
      el('p', {}, el('a', { href: '#/login', class: 'button' }, 'Sign in'), ' ', el('a', { href: '#/registration', class: 'button' }, 'Sign up'))))
    return
  }
  if (status !== 200 || !data?.identity) return renderError('Could not ask who you are', data)
  const identity = data.identity
  const traits = identity.traits ?? {}
  const name = [traits.name?.first, traits.name?.last].filter(part => typeof part === 'string' && part !== '').join(' ')
  const rows = [
    ['Email', traits.email, 'whoami-email'],
    ['Name', name, 'whoami-name'],
    ['Identity', identity.id, 'whoami-identity'],
    ['Signed in with', (data.authentication_methods ?? []).map(m => m.method).join(', '), 'whoami-methods'],
    ['Assurance level', data.authenticator_assurance_level, 'whoami-aal'],
    ['Session expires', data.expires_at, 'whoami-expires']
  ]
  const logout = el('button', { type: 'button', id: 'logout' }, 'Sign out')
  logout.addEventListener('click', () => {
    logout.disabled = true
    signOut().catch(failed)
  })
  const article = el('article', { class: 'home signed-in' },
    el('h1', {}, `Hello${name ? `, ${name}` : ''}`),
    el('p', { id: 'whoami-status' }, 'You are signed in.'),
    el('dl', { id: 'whoami' }, rows.filter(([, value]) => value !== undefined && value !== '').map(([term, value, id]) => [el('dt', {}, term), el('dd', { id }, String(value))])),
    (identity.verifiable_addresses ?? []).some(address => !address.verified) ? el('p', {}, el('a', { href: '#/verification' }, 'Verify your email address')) : null,
    el('p', {}, el('a', { href: '#/settings', class: 'button' }, 'Settings'), ' ', logout))
  show(article)
  await adminSection(article, data.id)
}

async function signOut () {
  const created = await ory('/self-service/logout/browser')
  if (created.status === 401) return go('')
  if (created.status !== 200 || typeof created.data?.logout_token !== 'string') return renderError('Could not sign out', created.data)
  const done = await ory(`/self-service/logout?token=${encodeURIComponent(created.data.logout_token)}`)
  if (done.status !== 204 && done.status !== 200) return renderError('Could not sign out', done.data)
  setFlash('You are signed out.', 'success')
  go('')
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth2/OpenID Connect through the BFF: the BFF is the OAuth2 client and keeps the tokens; this page only ever sees
// who signed in (/api/oauth2/user) and the answers of APIs the BFF calls with the user's token (/api/proxy/<name>/…).

/** A call to the BFF's own API. X-Requested-With is its CSRF defence: cross-site pages cannot send it. */
async function bff (path, { method = 'GET', headers = {} } = {}) {
  const response = await fetch(path, { method, credentials: 'same-origin', headers: { ...headers, Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' } })
  return await answerOf(response, text => text)
}

async function oauth2Page (params) {
  const error = params.get('error')
  if (error) setFlash(`The sign-in did not complete: ${error}${params.get('error_description') ? ` (${params.get('error_description')})` : ''}`, 'error')
  const { status, data } = await bff('/api/oauth2/user')
  if (status === 404) {
    show(el('article', { class: 'home' }, el('h1', {}, 'OAuth2'), el('p', {}, 'OAuth2 login is off: set OAUTH2_CLIENT_ID.')))
    return
  }
  const login = el('a', { class: 'button', id: 'oauth2-login', href: `/api/oauth2/login?return_to=${encodeURIComponent(`${location.origin}/#/oauth2`)}` }, 'Sign in with OAuth2')
  if (status === 401) {
    show(el('article', { class: 'home signed-out' },
      el('h1', {}, 'OAuth2'),
      el('p', { id: 'oauth2-status' }, 'You are not signed in with OAuth2.'),
      el('p', {}, login)))
    return
  }
  if (status !== 200 || !data?.signed_in) return renderError('Could not ask who you are', data)
  const rows = [['Subject', data.sub, 'oauth2-sub'], ...Object.entries(data.claims ?? {}).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value), `oauth2-claim-${name}`]),
    ['Session expires', data.expires_at, 'oauth2-expires']]
  const path = el('input', { id: 'proxy-path', type: 'text', value: '/api/proxy/example/', 'aria-label': 'API path' })
  const call = el('button', { type: 'button', id: 'proxy-call' }, 'Call the API')
  const result = el('pre', { id: 'proxy-result' })
  call.addEventListener('click', () => {
    const target = path.value
    if (!target.startsWith('/api/proxy/')) {
      result.textContent = 'The path must start with /api/proxy/.'
      return
    }
    bff(target).then(({ status, data }) => {
      result.textContent = `${status}\n${typeof data === 'string' ? data : JSON.stringify(data, null, 2)}`
    }).catch(failed)
  })
  const logout = el('button', { type: 'button', id: 'oauth2-logout' }, 'Sign out of OAuth2')
  logout.addEventListener('click', () => {
    logout.disabled = true
    bff('/api/oauth2/logout', { method: 'POST' }).then(({ status, data }) => {
      if (status !== 200) return renderError('Could not sign out', data)
      const next = safeUrl(data?.logout_url ?? '')
      if (next !== undefined) return location.assign(next)
      setFlash('You are signed out.', 'success')
      go('oauth2')
    }).catch(failed)
  })
  show(el('article', { class: 'home signed-in' },
    el('h1', {}, 'OAuth2'),
    el('p', { id: 'oauth2-status' }, 'You are signed in with OAuth2. The tokens stay with the BFF.'),
    el('dl', { id: 'oauth2-user' }, rows.filter(([, value]) => value !== undefined && value !== '').map(([term, value, id]) => [el('dt', {}, term), el('dd', { id }, String(value))])),
    el('h2', {}, 'Call an API with your token'),
    el('p', {}, 'The BFF forwards calls under /api/proxy/<name>/ to the APIs of API_ROUTES, with your access token.'),
    el('p', {}, path, ' ', call),
    result,
    el('p', {}, logout)))
}

async function errorPage (params) {
  const id = params.get('id')
  if (!id) return renderError('Something went wrong', null)
  const { data } = await ory(`/self-service/errors?id=${encodeURIComponent(id)}`)
  renderError('Something went wrong', data)
}

// ---------------------------------------------------------------------------------------------------------------
// Back office: the BFF's admin API (/api/admin, on with ADMIN_API=on) for the identities ADMIN_POLICY lets in. The
// BFF calls Ory with its API key; this page only sends the session cookie and X-Requested-With, and repeats the
// operation id of a destructive call in Ory-Bff-Confirm. Ory's data is shown as text, like the flows'.

const ADMIN = '/api/admin'
const ADMIN_PAGE_SIZE = 20

function adminText (value) {
  return typeof value === 'string' && value !== '' ? value : '—'
}

function adminMessage (target, text, type) {
  target.replaceChildren()
  target.className = `message message-${type}`
  if (text) target.append(text)
}

/**
 * Adds the Admin section to the home page when the admin API lets the signed-in identity in. The probe is a page of
 * identities: any answer but 200 (403 for an identity the policy leaves out, 404 with the admin API off) shows nothing.
 */
async function adminSection (article, currentSession) {
  const { status, data } = await bff(`${ADMIN}/identities?page_size=${ADMIN_PAGE_SIZE}`)
  if (status !== 200 || !Array.isArray(data)) {
    article.setAttribute('data-admin', 'none')
    return
  }
  const message = el('p', { id: 'admin-message', role: 'status' })
  const panel = el('div', { id: 'admin-sessions', 'aria-live': 'polite' })
  const admin = { message, panel, currentSession, selected: undefined }
  article.append(el('section', { id: 'admin', class: 'admin', 'aria-labelledby': 'admin-title' },
    el('h2', { id: 'admin-title' }, 'Admin'),
    el('table', { id: 'admin-identities' },
      el('thead', {}, el('tr', {}, ['Email', 'Identity', 'State', ''].map(title => el('th', { scope: 'col' }, title)))),
      el('tbody', {}, data.map(identity => identityRow(admin, identity)))),
    data.length === ADMIN_PAGE_SIZE ? el('p', { class: 'note' }, `The first ${ADMIN_PAGE_SIZE} identities.`) : null,
    message,
    panel))
  article.setAttribute('data-admin', 'shown')
}

function identityRow (admin, identity) {
  const id = String(identity?.id ?? '')
  const email = adminText(identity?.traits?.email)
  const select = el('button', { type: 'button', class: 'admin-select', 'aria-controls': 'admin-sessions' }, 'Sessions')
  select.addEventListener('click', () => {
    adminMessage(admin.message, '', 'info')
    adminSessions(admin, { id, email }).catch(failed)
  })
  return el('tr', { 'data-identity': id },
    el('td', { class: 'admin-email' }, email),
    el('td', { class: 'admin-id' }, el('code', {}, id)),
    el('td', { class: 'admin-state' }, adminText(identity?.state)),
    el('td', {}, select))
}

/** Lists the active sessions of one identity, each with a button that revokes it. */
async function adminSessions (admin, identity) {
  admin.selected = identity.id
  const heading = el('h3', {}, `Sessions of ${identity.email}`)
  admin.panel.setAttribute('data-identity', identity.id)
  admin.panel.replaceChildren(heading, el('p', { class: 'loading' }, 'Loading…'))
  const { status, data } = await bff(`${ADMIN}/identities/${encodeURIComponent(identity.id)}/sessions?active=true`)
  // Another identity was picked while this one loaded: its list is the one to show.
  if (admin.selected !== identity.id) return
  if (status !== 200 || !Array.isArray(data)) {
    admin.panel.replaceChildren(heading, el('p', { class: 'message message-error' }, `Could not list the sessions: ${String(errorOf(data)?.message ?? status)}`))
    return
  }
  admin.panel.replaceChildren(heading, data.length === 0
    ? el('p', { id: 'admin-no-sessions' }, 'No active sessions.')
    : el('ul', { class: 'admin-session-list' }, data.map(session => sessionItem(admin, identity, session))))
}

function sessionItem (admin, identity, session) {
  const id = String(session?.id ?? '')
  const revoke = el('button', { type: 'button', class: 'admin-revoke' }, 'Revoke')
  revoke.addEventListener('click', () => {
    revoke.disabled = true
    bff(`${ADMIN}/sessions/${encodeURIComponent(id)}`, { method: 'DELETE', headers: { 'Ory-Bff-Confirm': 'disableSession' } }).then(({ status, data }) => {
      if (status !== 204) {
        revoke.disabled = false
        adminMessage(admin.message, `Could not revoke the session: ${String(errorOf(data)?.message ?? status)}`, 'error')
        return
      }
      adminMessage(admin.message, `Session ${id} of ${identity.email} revoked.`, 'success')
      return adminSessions(admin, identity)
    }).catch(failed)
  })
  return el('li', { 'data-session': id },
    el('code', {}, id), id === admin.currentSession ? ' (this session)' : null,
    el('span', { class: 'note' }, ` signed in ${adminText(session?.authenticated_at)}, expires ${adminText(session?.expires_at)} `),
    revoke)
}

// ---------------------------------------------------------------------------------------------------------------

function failed (err) {
  console.error(err)
  renderError('The server could not be reached', { error: { message: err instanceof Error ? err.message : String(err) } })
}

function markNavigation (page) {
  for (const link of document.querySelectorAll('nav a[data-route]')) {
    if (link.dataset.route === page) link.setAttribute('aria-current', 'page')
    else link.removeAttribute('aria-current')
  }
}

function render () {
  const { page, params } = route()
  if (!flashFresh) setFlash('')
  flashFresh = false
  markNavigation(page)
  show(el('p', { class: 'loading' }, 'Loading…'))
  let work
  if (page === '') work = home()
  else if (FLOWS.includes(page)) work = startFlow(page, params)
  else if (page === 'error') work = errorPage(params)
  else if (page === 'oauth2') work = oauth2Page(params)
  else work = Promise.resolve(renderError('Page not found', { error: { message: `There is no page #/${page}.` } }))
  work.catch(failed)
}

window.addEventListener('hashchange', render)
fromUiPath()
render()
