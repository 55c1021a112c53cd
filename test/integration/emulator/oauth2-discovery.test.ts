import { oidc, wellknown } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

// The OpenID Provider metadata Hydra serves (oauth2/handler.go, discoverOidcConfiguration), valid against the spec's
// oidcConfiguration, with the issuer every token's `iss` carries; the JWKS lists RS256 signing keys.
emulatorTest('discovery: Hydra\'s endpoints, PKCE and back-channel logout; the JWKS has an RS256 key', async (t, emu) => {
  const { client } = emu
  const config = await oidc.discoverOidcConfiguration(client)
  const issuer = emu.baseUrl
  t.equal(config.body.issuer, issuer, 'the issuer is the base URL, no trailing slash')
  t.equal(config.body.authorization_endpoint, `${issuer}/oauth2/auth`)
  t.equal(config.body.token_endpoint, `${issuer}/oauth2/token`)
  t.equal(config.body.jwks_uri, `${issuer}/.well-known/jwks.json`)
  t.equal(config.body.userinfo_endpoint, `${issuer}/userinfo`)
  t.equal(config.body.revocation_endpoint, `${issuer}/oauth2/revoke`)
  t.equal(config.body.end_session_endpoint, `${issuer}/oauth2/sessions/logout`)
  t.equal(config.body.backchannel_logout_supported, true)
  t.equal(config.body.backchannel_logout_session_supported, true)
  t.same(config.body.code_challenge_methods_supported, ['plain', 'S256'])
  t.same(config.body.token_endpoint_auth_methods_supported, ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'none'])
  t.same(config.body.id_token_signing_alg_values_supported, ['RS256'])
  t.ok(config.body.response_types_supported.includes('code'))
  t.ok(config.body.scopes_supported?.includes('openid'))
  t.ok(config.body.grant_types_supported?.includes('refresh_token'))
  t.equal((config.body as Record<string, unknown>).authorization_response_iss_parameter_supported, undefined, 'Hydra does not advertise RFC 9207')

  const jwks = await wellknown.discoverJsonWebKeys(client)
  t.equal(jwks.body.keys?.length, 1)
  const key = jwks.body.keys![0]!
  t.match(key, { kty: 'RSA', use: 'sig', alg: 'RS256' })
  t.type(key.kid, 'string')
  t.equal(key.d, undefined, 'no private parts')
})
