import { randomUUID } from 'node:crypto'
import type { OAuth2Client } from '../schemas/index.js'
import { iso } from './identities.js'
import { OAuth2Error, type OAuth2ClientOptions } from './oauth2.js'
import { randomToken } from './state.js'

// Hydra's OAuth 2.0 client model (client/client.go) and the checks its admin API makes on a client before storing
// it (client/validator.go). The emulator keeps one record per client; the public endpoints read the few fields they
// need (redirect URIs, secret, auth method, scope, logout URIs) and the admin API writes and reads all of them.

export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none'

/** Hydra's per-grant token lifespans (`PUT /admin/clients/{id}/lifespans`): Go durations, or null for the default. */
export const LIFESPAN_FIELDS = [
  'authorization_code_grant_access_token_lifespan', 'authorization_code_grant_id_token_lifespan', 'authorization_code_grant_refresh_token_lifespan',
  'client_credentials_grant_access_token_lifespan',
  'device_authorization_grant_access_token_lifespan', 'device_authorization_grant_id_token_lifespan', 'device_authorization_grant_refresh_token_lifespan',
  'implicit_grant_access_token_lifespan', 'implicit_grant_id_token_lifespan',
  'jwt_bearer_grant_access_token_lifespan',
  'refresh_token_grant_access_token_lifespan', 'refresh_token_grant_id_token_lifespan', 'refresh_token_grant_refresh_token_lifespan'
] as const

const STRING_FIELDS = [
  'client_name', 'owner', 'policy_uri', 'tos_uri', 'client_uri', 'logo_uri', 'subject_type', 'jwks_uri', 'token_endpoint_auth_signing_alg',
  'userinfo_signed_response_alg', 'frontchannel_logout_uri', 'backchannel_logout_uri', 'request_object_signing_alg', 'sector_identifier_uri',
  'access_token_strategy', 'scope', 'token_endpoint_auth_method'
] as const
const LIST_FIELDS = ['redirect_uris', 'grant_types', 'response_types', 'audience', 'allowed_cors_origins', 'contacts', 'post_logout_redirect_uris', 'request_uris'] as const
const BOOLEAN_FIELDS = ['frontchannel_logout_session_required', 'backchannel_logout_session_required', 'skip_consent', 'skip_logout_consent'] as const

/** Hydra's `oauth2.client.default_scope` default (config/provider.go, DefaultClientScope). */
export const HYDRA_DEFAULT_CLIENT_SCOPE = 'offline_access offline openid'

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']

/** A client as the emulator stores it: what the public endpoints read, typed, and the rest of Hydra's fields. */
export interface StoredOAuth2Client extends Omit<OAuth2ClientOptions, 'token_endpoint_auth_method' | 'scope'> {
  /** '' for a client without a secret (`token_endpoint_auth_method: none`). Never listed, only echoed on create. */
  client_secret: string
  token_endpoint_auth_method: TokenEndpointAuthMethod
  scope: string
  /** The other fields of Hydra's model, as sent or defaulted. */
  fields: Record<string, unknown>
  createdAt: number
  updatedAt: number
}

/** fosite's ErrInvalidClientMetadata / ErrInvalidRedirectURI, which Hydra's validator answers with (400). */
export const clientErrors = {
  invalidMetadata: (hint: string) => new OAuth2Error(400, 'invalid_client_metadata', 'The value of one of the Client Metadata fields is invalid and the server has rejected this request. Note that an Authorization Server MAY choose to substitute a valid value for any requested parameter of a Client\'s Metadata.', hint),
  invalidRedirectUri: (hint: string) => new OAuth2Error(400, 'invalid_redirect_uri', 'The value of one or more redirect_uris is invalid.', hint)
}

const GO_DURATION = /^[0-9]+(ns|us|ms|s|m|h)$/

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Checks a lifespans body (null or a Go duration per field) and returns the fields it sets. */
export function lifespans (body: unknown): Record<string, string | null> {
  if (!isObject(body)) throw clientErrors.invalidMetadata('The request body must be a JSON object.')
  const out: Record<string, string | null> = {}
  for (const name of LIFESPAN_FIELDS) {
    const value = body[name]
    if (value === undefined) continue
    if (value !== null && (typeof value !== 'string' || !GO_DURATION.test(value))) {
      throw clientErrors.invalidMetadata(`Field ${name} must be a duration such as "1h" or "30m".`)
    }
    out[name] = value
  }
  return out
}

export interface ClientInput {
  /** The id to keep (PUT, PATCH) or undefined to take the body's or a new UUID. */
  id?: string
  /** The stored client this replaces: its secret stays unless a new one is sent, its creation time stays. */
  previous?: StoredOAuth2Client
  now: number
  /**
   * A client from the emulator's options (`oauth2Clients`, `addClient`): the operator's, as in a Hydra config import,
   * so the admin API's secret length and post-logout origin rules are not applied.
   */
  configured?: boolean
}

/**
 * A client from an admin API body, checked as Hydra's client/validator.go does. A missing secret is generated for a
 * confidential client (Hydra's 26 characters); `secretSet` says whether the answer may echo it.
 */
export function clientFromBody (body: unknown, input: ClientInput): { client: StoredOAuth2Client, secretSet: boolean } {
  if (!isObject(body)) throw clientErrors.invalidMetadata('The request body must be a JSON object.')
  const fields: Record<string, unknown> = {}
  for (const name of STRING_FIELDS) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw clientErrors.invalidMetadata(`Field ${name} must be a string.`)
    fields[name] = value
  }
  for (const name of LIST_FIELDS) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (!Array.isArray(value) || !value.every(v => typeof v === 'string')) throw clientErrors.invalidMetadata(`Field ${name} must be an array of strings.`)
    fields[name] = [...value]
  }
  for (const name of BOOLEAN_FIELDS) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'boolean') throw clientErrors.invalidMetadata(`Field ${name} must be a boolean.`)
    fields[name] = value
  }
  if (body.metadata !== undefined && body.metadata !== null) {
    if (!isObject(body.metadata)) throw clientErrors.invalidMetadata('Field metadata must be a JSON object.')
    fields.metadata = structuredClone(body.metadata)
  }
  if (body.jwks !== undefined && body.jwks !== null) {
    if (!isObject(body.jwks)) throw clientErrors.invalidMetadata('Field jwks must be a JSON Web Key Set.')
    fields.jwks = structuredClone(body.jwks)
  }
  Object.assign(fields, lifespans(body))

  const method = (fields.token_endpoint_auth_method ?? 'client_secret_basic') as TokenEndpointAuthMethod
  if (!AUTH_METHODS.includes(method)) {
    throw clientErrors.invalidMetadata(`Field token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}.`)
  }
  if (method === 'private_key_jwt' && fields.jwks === undefined && fields.jwks_uri === undefined) {
    throw clientErrors.invalidMetadata('When token_endpoint_auth_method is "private_key_jwt", either jwks or jwks_uri must be set.')
  }
  const subjectType = fields.subject_type ?? 'public'
  if (subjectType !== 'public' && subjectType !== 'pairwise') throw clientErrors.invalidMetadata('Subject type pairwise is not supported; use public.')
  fields.subject_type = subjectType
  const strategy = fields.access_token_strategy
  if (strategy !== undefined && strategy !== 'jwt' && strategy !== 'opaque') throw clientErrors.invalidMetadata('Field access_token_strategy must be one of "jwt" or "opaque".')

  const secret = body.client_secret
  if (secret !== undefined && secret !== null && typeof secret !== 'string') throw clientErrors.invalidMetadata('Field client_secret must be a string.')
  const sentSecret = typeof secret === 'string' && secret !== '' ? secret : undefined
  if (input.configured !== true && sentSecret !== undefined && sentSecret.length < 6) {
    throw clientErrors.invalidMetadata('Field client_secret must contain a secret that is at least 6 characters long.')
  }

  const redirectUris = (fields.redirect_uris ?? []) as string[]
  for (const uri of redirectUris) {
    let url: URL
    try {
      url = new URL(uri)
    } catch {
      throw clientErrors.invalidRedirectUri(`Redirect URL "${uri}" is not a valid absolute URL.`)
    }
    if (url.hash !== '' || uri.includes('#')) throw clientErrors.invalidRedirectUri('Redirect URIs must not contain fragments (#).')
  }
  // Hydra's validator: a post-logout URI must share scheme, host and port with one of the redirect URIs.
  for (const uri of input.configured === true ? [] : (fields.post_logout_redirect_uris ?? []) as string[]) {
    let origin: string
    try {
      origin = new URL(uri).origin
    } catch {
      throw clientErrors.invalidRedirectUri(`Post logout redirect URL "${uri}" is not a valid absolute URL.`)
    }
    if (!redirectUris.some(r => new URL(r).origin === origin)) {
      throw clientErrors.invalidRedirectUri(`post_logout_redirect_uri "${uri}" must match the domain, port, scheme of at least one of the registered redirect URIs but did not`)
    }
  }

  const bodyId = typeof body.client_id === 'string' && body.client_id !== '' ? body.client_id : undefined
  const id = input.id ?? bodyId ?? randomUUID()
  const generated = method === 'none' ? '' : randomToken('', 26)
  const clientSecret = method === 'none' ? '' : sentSecret ?? input.previous?.client_secret ?? generated
  const client: StoredOAuth2Client = {
    client_id: id,
    client_secret: clientSecret === '' && method !== 'none' ? generated : clientSecret,
    redirect_uris: redirectUris,
    ...(fields.post_logout_redirect_uris === undefined ? {} : { post_logout_redirect_uris: fields.post_logout_redirect_uris as string[] }),
    ...(typeof fields.backchannel_logout_uri === 'string' && fields.backchannel_logout_uri !== '' ? { backchannel_logout_uri: fields.backchannel_logout_uri } : {}),
    ...(fields.backchannel_logout_session_required === undefined ? {} : { backchannel_logout_session_required: fields.backchannel_logout_session_required as boolean }),
    token_endpoint_auth_method: method,
    scope: typeof fields.scope === 'string' && fields.scope !== '' ? fields.scope : HYDRA_DEFAULT_CLIENT_SCOPE,
    fields,
    createdAt: input.previous?.createdAt ?? input.now,
    updatedAt: input.now
  }
  // Hydra echoes a secret it generated (create) or one the request set; otherwise the secret stays hidden.
  return { client, secretSet: input.previous === undefined || sentSecret !== undefined }
}

/** The client in Hydra's JSON (client/client.go): every field, defaults filled in; the secret only when asked. */
export function clientJson (client: StoredOAuth2Client, options: { secret?: boolean } = {}): OAuth2Client {
  const f = client.fields
  const list = (name: string): string[] => (f[name] as string[] | undefined) ?? []
  const text = (name: string, fallback = ''): string => (f[name] as string | undefined) ?? fallback
  return {
    client_id: client.client_id,
    client_name: text('client_name'),
    ...(options.secret === true && client.client_secret !== '' ? { client_secret: client.client_secret } : {}),
    redirect_uris: client.redirect_uris,
    grant_types: list('grant_types'),
    response_types: list('response_types'),
    scope: client.scope,
    audience: list('audience'),
    owner: text('owner'),
    policy_uri: text('policy_uri'),
    allowed_cors_origins: list('allowed_cors_origins'),
    tos_uri: text('tos_uri'),
    client_uri: text('client_uri'),
    logo_uri: text('logo_uri'),
    contacts: list('contacts'),
    client_secret_expires_at: 0,
    subject_type: text('subject_type', 'public'),
    ...(f.jwks === undefined ? {} : { jwks: f.jwks as OAuth2Client['jwks'] }),
    ...(f.jwks_uri === undefined ? {} : { jwks_uri: text('jwks_uri') }),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    ...(f.token_endpoint_auth_signing_alg === undefined ? {} : { token_endpoint_auth_signing_alg: text('token_endpoint_auth_signing_alg') }),
    ...(f.request_object_signing_alg === undefined ? {} : { request_object_signing_alg: text('request_object_signing_alg') }),
    ...(f.request_uris === undefined ? {} : { request_uris: list('request_uris') }),
    ...(f.sector_identifier_uri === undefined ? {} : { sector_identifier_uri: text('sector_identifier_uri') }),
    userinfo_signed_response_alg: text('userinfo_signed_response_alg', 'none'),
    created_at: iso(client.createdAt),
    updated_at: iso(client.updatedAt),
    post_logout_redirect_uris: client.post_logout_redirect_uris ?? [],
    frontchannel_logout_uri: text('frontchannel_logout_uri'),
    frontchannel_logout_session_required: f.frontchannel_logout_session_required === true,
    backchannel_logout_uri: client.backchannel_logout_uri ?? '',
    backchannel_logout_session_required: client.backchannel_logout_session_required === true,
    metadata: (f.metadata as Record<string, unknown> | undefined) ?? {},
    skip_consent: f.skip_consent === true,
    skip_logout_consent: f.skip_logout_consent === true,
    access_token_strategy: text('access_token_strategy', 'opaque'),
    ...Object.fromEntries(LIFESPAN_FIELDS.map(name => [name, (f[name] as string | null | undefined) ?? null]))
  }
}

/** The client's document for a JSON Patch: its JSON with the secret, which a patch may replace. */
export function clientDocument (client: StoredOAuth2Client): Record<string, unknown> {
  return structuredClone({ ...clientJson(client), client_secret: client.client_secret }) as Record<string, unknown>
}
