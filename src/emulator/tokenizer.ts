import { randomUUID } from 'node:crypto'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import type { Session } from '../schemas/index.js'
import { errors } from './http.js'

// Session to JWT (https://www.ory.sh/docs/identities/session-to-jwt-cors): `GET /sessions/whoami?tokenize_as=<name>`
// adds `tokenized`, a JWT of the session signed with the template's key. Claims as Kratos' session/tokenizer.go sets
// them: jti, iss (the public URL), exp (now + the template's TTL), sid, nbf, iat and sub (the identity id), then the
// claims mapper's output merged over them, then sub set again (a mapper cannot change the subject).
//
// Kratos reads each template's private key from its `jwks_url`; the emulator makes one ES256 key per start and
// publishes its public half at TOKENIZER_JWKS_PATH, an emulator-only path, so that tests and local services can
// verify the tokens the way they would with the JWKS they configured in Ory.

/** Emulator-only: the public keys of the tokenizer templates (Kratos has no such endpoint). */
export const TOKENIZER_JWKS_PATH = '/admin/emulator/tokenizer/jwks.json'

export const DEFAULT_TOKENIZE_TEMPLATE = 'jwt_example'

export interface TokenizeTemplate {
  /** The token's lifetime: `exp` = now + ttlSeconds (Kratos' template `ttl`). */
  ttlSeconds: number
  /**
   * Kratos' `claims_mapper_url` (a Jsonnet file that sees `std.extVar('claims')` and `std.extVar('session')` and returns
   * `{ claims: {…} }`), as a function: it gets the same two values and returns the claims object, merged over the
   * standard claims.
   */
  claimsMapper?: (input: { claims: Readonly<Record<string, unknown>>, session: Session }) => Record<string, unknown>
}

/**
 * Ory's example template (session-to-jwt docs): one minute, and the session as a `session` claim so that a verifier
 * needs no whoami call.
 */
export const defaultTokenizeTemplates: Readonly<Record<string, TokenizeTemplate>> = {
  [DEFAULT_TOKENIZE_TEMPLATE]: { ttlSeconds: 60, claimsMapper: ({ session }) => ({ session }) }
}

interface SigningKey { privateKey: CryptoKey, publicJwk: JWK, kid: string }

async function newKey (): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const jwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(jwk)
  return { privateKey, kid, publicJwk: { ...jwk, kid, use: 'sig', alg: 'ES256' } }
}

export class SessionTokenizer {
  readonly templates: Readonly<Record<string, TokenizeTemplate>>
  #key: Promise<SigningKey> | undefined

  constructor (templates: Record<string, TokenizeTemplate> = {}) {
    this.templates = { ...defaultTokenizeTemplates, ...templates }
    for (const [name, template] of Object.entries(this.templates)) {
      if (!Number.isFinite(template.ttlSeconds) || template.ttlSeconds <= 0) throw new Error(`tokenizeTemplates.${name}.ttlSeconds must be positive`)
    }
  }

  async #signingKey (): Promise<SigningKey> {
    this.#key ??= newKey()
    return await this.#key
  }

  /** The public JWKS a verifier configures (RFC 7517). */
  async jwks (): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.#signingKey()).publicJwk] }
  }

  /** The `tokenized` JWT; an unknown template is Kratos' 400 (driver/config/config.go, `TokenizeTemplate`). */
  async tokenize (name: string, session: Session, identityId: string, issuer: string, nowMs: number): Promise<string> {
    const template = Object.hasOwn(this.templates, name) ? this.templates[name] : undefined
    if (template === undefined) throw errors.badRequest(`Unable to find tokenizer template "${name}".`)
    const key = await this.#signingKey()
    const now = Math.floor(nowMs / 1000)
    const claims: Record<string, unknown> = {
      jti: randomUUID(),
      iss: issuer,
      exp: now + Math.floor(template.ttlSeconds),
      sid: session.id,
      nbf: now,
      iat: now,
      sub: identityId
    }
    if (template.claimsMapper !== undefined) Object.assign(claims, template.claimsMapper({ claims: { ...claims }, session }))
    claims.sub = identityId
    // golang-jwt (which Kratos signs with) writes `typ: JWT` and the key's `kid`.
    return await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid }).sign(key.privateKey)
  }
}
