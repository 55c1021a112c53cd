// A login in progress: what the callback needs to finish it (RFC 6749 §10.12 state, OIDC Core §3.1.2.1 nonce,
// RFC 7636 PKCE verifier) and where to send the browser afterwards. It lives in a cookie of its own, named after its
// state, so that logins started in several tabs at once do not overwrite each other (the "state mismatch" of
// single-cookie BFFs), sealed so that nothing in it can be read or changed, and SameSite=Lax so that the provider's
// top-level redirect back to the callback carries it (Strict would not).

import type { Sealer } from './seal.js'

/** How long a login may take, from the redirect to the provider to the callback. */
export const TRANSACTION_TTL_SECONDS = 600
/** Most logins in progress at once per browser: older ones are dropped, so that abandoned tabs cannot bloat headers. */
export const MAX_TRANSACTIONS = 5
const PREFIX = 'bff_oauth2_'
// A state is 32 random bytes, base64url: 43 characters. Anything else is not ours.
const STATE = /^[A-Za-z0-9_-]{43}$/

export interface LoginTransaction {
  state: string
  nonce: string
  codeVerifier: string
  /** Absolute, already checked against ALLOWED_RETURN_URLS. */
  returnTo: string
  /** Epoch seconds. */
  createdAt: number
}

/** The cookie name of a transaction (without the `__Host-` prefix, which the cookie helpers add). */
export function transactionCookieBase (state: string): string {
  return `${PREFIX}${state}`
}

export function isState (value: unknown): value is string {
  return typeof value === 'string' && STATE.test(value)
}

/** The states of the transaction cookies a request carries, whatever their prefix. */
export function transactionStates (cookieNames: Iterable<string>): string[] {
  const states: string[] = []
  for (const name of cookieNames) {
    const base = name.startsWith('__Host-') ? name.slice(7) : name
    if (!base.startsWith(PREFIX)) continue
    const state = base.slice(PREFIX.length)
    if (isState(state)) states.push(state)
  }
  return states
}

/** Seals a transaction; the cookie's name is bound in, so a transaction cannot be replayed under another state. */
export function sealTransaction (sealer: Sealer, transaction: LoginTransaction, cookieName: string): string {
  return sealer.seal(transaction, transaction.createdAt + TRANSACTION_TTL_SECONDS, cookieName)
}

/** Opens a transaction cookie; undefined when it is not one of ours, was changed, or has expired. */
export function openTransaction (sealer: Sealer, sealed: string, cookieName: string, state: string, now: number): LoginTransaction | undefined {
  let value: unknown
  try {
    value = sealer.open(sealed, cookieName, now)
  } catch {
    return undefined
  }
  const transaction = value as Partial<LoginTransaction> | null
  if (transaction === null || typeof transaction !== 'object') return undefined
  if (transaction.state !== state || typeof transaction.nonce !== 'string' || typeof transaction.codeVerifier !== 'string' ||
    typeof transaction.returnTo !== 'string' || typeof transaction.createdAt !== 'number') return undefined
  return transaction as LoginTransaction
}
