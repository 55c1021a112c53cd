import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

// Kratos' anti-CSRF scheme (the nosurf library): a random 32-byte token lives in an HttpOnly cookie, and each form
// carries it masked with a fresh one-time pad (pad || pad XOR token), so the value in the page differs on every
// render (BREACH) while still proving that the submitter could read the page that the cookie belongs to.
const TOKEN_LENGTH = 32

/** `csrf_token_` + the hex SHA-256 of the public URL, as Kratos names it, so two projects never share the cookie. */
export function csrfCookieName (publicUrl: string): string {
  return `csrf_token_${createHash('sha256').update(publicUrl).digest('hex')}`
}

export function newCsrfToken (): string {
  return randomBytes(TOKEN_LENGTH).toString('base64')
}

function decode (value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined
  return Buffer.from(value, 'base64')
}

/** A valid cookie value: base64 of exactly 32 bytes. */
export function isCsrfToken (value: string | undefined): value is string {
  return value !== undefined && decode(value)?.length === TOKEN_LENGTH
}

export function maskCsrfToken (token: string): string {
  const real = decode(token)
  if (real?.length !== TOKEN_LENGTH) throw new Error('not a CSRF token')
  const pad = randomBytes(TOKEN_LENGTH)
  const masked = Buffer.alloc(TOKEN_LENGTH)
  for (let i = 0; i < TOKEN_LENGTH; i++) masked[i] = pad[i]! ^ real[i]!
  return Buffer.concat([pad, masked]).toString('base64')
}

/** Does the value sent (masked, or the bare token) prove knowledge of the cookie's token? */
export function verifyCsrfToken (cookieToken: string | undefined, sent: string | undefined): boolean {
  if (cookieToken === undefined || sent === undefined) return false
  const real = decode(cookieToken)
  const received = decode(sent)
  if (real?.length !== TOKEN_LENGTH || received === undefined) return false
  let candidate: Buffer
  if (received.length === 2 * TOKEN_LENGTH) {
    candidate = Buffer.alloc(TOKEN_LENGTH)
    for (let i = 0; i < TOKEN_LENGTH; i++) candidate[i] = received[i]! ^ received[TOKEN_LENGTH + i]!
  } else if (received.length === TOKEN_LENGTH) {
    candidate = received
  } else {
    return false
  }
  return timingSafeEqual(candidate, real)
}
