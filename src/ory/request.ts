import { OryArgumentError } from './errors.js'
import type { OperationSpec, SecurityScheme } from './operation.js'

/** Per-call credentials for the schemes that are not project-wide. */
export interface CallAuth {
  /** `X-Session-Token` of a native app's session (scheme `sessionToken`). */
  sessionToken?: string
  /** OAuth2 client id and secret for the token and revoke endpoints (scheme `basic`). */
  basic?: { username: string, password: string }
  /** Registration access token of a dynamically registered client (scheme `bearer`). */
  bearer?: string
  /** OAuth2 access token, e.g. for `/userinfo` (scheme `oauth2`). */
  accessToken?: string
}

export interface Credentials extends CallAuth {
  apiKey?: string
  workspaceApiKey?: string
}

export type ParamValue = string | number | boolean | Date | ReadonlyArray<string | number | boolean | Date> | null | undefined

export interface BuiltRequest {
  path: string
  headers: Record<string, string>
  body?: string
}

function scalar (value: string | number | boolean | Date): string {
  return value instanceof Date ? value.toISOString() : String(value)
}

function credentialFor (scheme: string, credentials: Credentials): [string, string] | undefined {
  switch (scheme as SecurityScheme) {
    case 'oryAccessToken':
      return credentials.apiKey === undefined ? undefined : ['authorization', `Bearer ${credentials.apiKey}`]
    case 'oryWorkspaceApiKey':
      return credentials.workspaceApiKey === undefined ? undefined : ['authorization', `Bearer ${credentials.workspaceApiKey}`]
    case 'bearer':
      return credentials.bearer === undefined ? undefined : ['authorization', `Bearer ${credentials.bearer}`]
    case 'oauth2':
      return credentials.accessToken === undefined ? undefined : ['authorization', `Bearer ${credentials.accessToken}`]
    case 'sessionToken':
      return credentials.sessionToken === undefined ? undefined : ['x-session-token', credentials.sessionToken]
    case 'basic': {
      if (credentials.basic === undefined) return undefined
      // RFC 6749 §2.3.1: client id and secret are form-encoded before they are joined for Basic auth.
      const { username, password } = credentials.basic
      const token = Buffer.from(`${formEncode(username)}:${formEncode(password)}`).toString('base64')
      return ['authorization', `Basic ${token}`]
    }
    default:
      return undefined
  }
}

function formEncode (value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2)
}

/**
 * The credential headers for an operation: those of the first alternative of its security for which every
 * credential is at hand. A key is never sent to an operation whose security does not name its scheme.
 */
export function authHeaders (op: OperationSpec, credentials: Credentials): Record<string, string> {
  for (const alternative of op.security) {
    const headers: Record<string, string> = {}
    let complete = alternative.length > 0
    for (const scheme of alternative) {
      const header = credentialFor(scheme, credentials)
      if (header === undefined) { complete = false; break }
      headers[header[0]] = header[1]
    }
    if (complete) return headers
  }
  return {}
}

/** Flattens a body into form fields the way Kratos reads them: nested keys joined with dots, arrays repeated. */
export function formBody (body: unknown): string {
  const form = new URLSearchParams()
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return
    if (Array.isArray(value)) {
      for (const item of value) add(key, item)
    } else if (value instanceof Date) {
      form.append(key, value.toISOString())
    } else if (typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) add(key === '' ? name : `${key}.${name}`, inner)
    } else {
      form.append(key, String(value))
    }
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new OryArgumentError('a form body must be an object')
  }
  add('', body)
  return form.toString()
}

export type BodyType = 'json' | 'form'

function encodeBody (op: OperationSpec, body: unknown, bodyType: BodyType | undefined): { contentType: string, text: string } {
  const types = op.body?.mediaTypes ?? []
  const form = 'application/x-www-form-urlencoded'
  const json = 'application/json'
  if (bodyType === 'form' && !types.includes(form)) {
    throw new OryArgumentError(`${op.operationId} does not take a form body`, { operationId: op.operationId })
  }
  const contentType = bodyType === 'form' || !types.includes(json) ? (types.includes(form) ? form : types[0] ?? json) : json
  if (contentType === form) return { contentType, text: formBody(body) }
  if (contentType === json) return { contentType, text: JSON.stringify(body) }
  if (typeof body !== 'string') {
    throw new OryArgumentError(`${op.operationId} takes a ${contentType} body as a string`, { operationId: op.operationId })
  }
  return { contentType, text: body }
}

/**
 * Builds the path (below the API's base path), headers and body of a call from the operation and its params. With an
 * `endpoint`, its path and query take the place of the base path and the path template, and the operation's query
 * parameters follow the endpoint's own.
 *
 * The body is not checked against the operation's model: the models are open (Ory adds fields between releases, and
 * the OAuth2 operations take fields the spec leaves out, such as `code_verifier` and `client_secret`), so every field
 * given is sent.
 */
export function buildRequest (
  op: OperationSpec,
  params: Readonly<Record<string, unknown>>,
  options: { basePath: string, bodyType?: BodyType, endpoint?: URL }
): BuiltRequest {
  let path = op.path
  // Made for the first query parameter given: most calls (whoami among them) have none.
  let query: URLSearchParams | undefined
  const headers: Record<string, string> = {}
  for (const param of op.params) {
    const value = params[param.key] as ParamValue
    if (value === undefined || value === null) {
      if (param.required) {
        throw new OryArgumentError(`${op.operationId} needs the ${param.in} parameter ${param.name}`, { operationId: op.operationId })
      }
      continue
    }
    if (param.in === 'path') {
      const text = Array.isArray(value) ? value.map(scalar).join(',') : scalar(value as string)
      if (text === '') {
        throw new OryArgumentError(`${op.operationId}: the path parameter ${param.name} is empty`, { operationId: op.operationId })
      }
      if (text === '.' || text === '..') {
        // Dot segments survive encodeURIComponent, and servers and proxies resolve them (RFC 3986 §5.2.4).
        throw new OryArgumentError(`${op.operationId}: the path parameter ${param.name} is a dot segment`, { operationId: op.operationId })
      }
      // Every reserved character is encoded, so a value cannot reach another path (`../admin`, `a/b`).
      path = path.replace(`{${param.name}}`, encodeURIComponent(text))
    } else if (param.in === 'query') {
      // OAS 3.0 default for query parameters: style=form, explode=true, so arrays repeat the name (a=1&a=2).
      query ??= new URLSearchParams()
      for (const item of Array.isArray(value) ? value : [value]) query.append(param.name, scalar(item))
    } else {
      const text = Array.isArray(value) ? value.map(scalar).join(', ') : scalar(value as string)
      if (/[\r\n\0]/.test(text)) {
        throw new OryArgumentError(`${op.operationId}: the header ${param.name} contains a line break`, { operationId: op.operationId })
      }
      headers[param.name.toLowerCase()] = text
    }
  }
  const search = query === undefined ? '' : query.toString()
  const endpoint = options.endpoint
  const target = endpoint === undefined
    ? `${options.basePath}${path}${search === '' ? '' : `?${search}`}`
    : `${endpoint.pathname}${endpoint.search}${search === '' ? '' : `${endpoint.search === '' ? '?' : '&'}${search}`}`
  const built: BuiltRequest = { path: target, headers }
  const body = params.body
  if (op.body !== undefined && body !== undefined) {
    const { contentType, text } = encodeBody(op, body, options.bodyType)
    headers['content-type'] = contentType
    built.body = text
  } else if (op.body?.required === true) {
    throw new OryArgumentError(`${op.operationId} needs a body`, { operationId: op.operationId })
  }
  return built
}
