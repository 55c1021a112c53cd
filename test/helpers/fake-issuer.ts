import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose'
import { json, startUpstream, type Upstream } from './upstream.js'

// An OpenID Provider of the test's own: a discovery document, a JWKS the test controls, and tokens signed with
// jose, for the validation failures a certified provider never produces. Token and other endpoints answer as the
// test's `handler` says.

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

export async function newKey (kid = `kid-${Math.random().toString(36).slice(2, 10)}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256')
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } }
}

export interface FakeIssuer {
  issuer: string
  upstream: Upstream
  /** The keys the JWKS publishes; change it to rotate. */
  published: SigningKey[]
  /** How many times the JWKS was fetched. */
  jwksRequests: () => number
  sign: (payload: JWTPayload, options?: { key?: SigningKey, kid?: string | null, alg?: string, typ?: string }) => Promise<string>
  close: () => Promise<void>
}

export async function startFakeIssuer (options: {
  metadata?: Record<string, unknown>
  handler?: Parameters<typeof startUpstream>[0]
} = {}): Promise<FakeIssuer> {
  const state: { issuer: string, published: SigningKey[] } = { issuer: '', published: [await newKey()] }
  const upstream = await startUpstream((req, res, socket) => {
    if (req.url === '/.well-known/openid-configuration') {
      json(res, 200, {
        issuer: state.issuer,
        authorization_endpoint: `${state.issuer}/authorize`,
        token_endpoint: `${state.issuer}/token`,
        jwks_uri: `${state.issuer}/jwks`,
        userinfo_endpoint: `${state.issuer}/userinfo`,
        revocation_endpoint: `${state.issuer}/revoke`,
        id_token_signing_alg_values_supported: ['RS256'],
        ...options.metadata
      })
    } else if (req.url === '/jwks') {
      json(res, 200, { keys: state.published.map(key => key.publicJwk) })
    } else if (options.handler !== undefined) {
      return options.handler(req, res, socket)
    } else {
      json(res, 404, { error: 'not_found' })
    }
  })
  state.issuer = upstream.url
  const issuer: FakeIssuer = {
    issuer: upstream.url,
    upstream,
    get published () { return state.published },
    set published (keys) { state.published = keys },
    jwksRequests: () => upstream.requests.filter(request => request.url === '/jwks').length,
    sign: async (payload, { key = state.published[0]!, kid, alg = 'RS256', typ } = {}) => {
      const header: Record<string, string> = { alg }
      if (kid !== null) header.kid = kid ?? key.kid
      if (typ !== undefined) header.typ = typ
      return await new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey)
    },
    close: upstream.close
  }
  return issuer
}
