import { generateKeyPairSync } from 'node:crypto'
import { jwk, oauth2 } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Hydra's trusted JWT grant issuers (RFC 7523): trust an issuer's public key for a subject (or any subject) and
// scopes until a date; read, list (Link pagination, filter by issuer), delete. The key lands in a JWK set named after
// the issuer. Hydra's validator refuses a private key, subject and allow_any_subject together, and a past expiry.
emulatorTest('admin trusted JWT grant issuers: trust, read, list, delete', async (t, emu) => {
  const { client } = emu
  const publicKey = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'issuer-key', use: 'sig', alg: 'ES256' }
  const expires = new Date(emu.clock.now() + 24 * 60 * 60_000).toISOString()
  const trusted = await oauth2.trustOAuth2JwtGrantIssuer(client, { body: { issuer: 'https://idp.example', subject: 'svc-1', scope: ['read'], jwk: publicKey as any, expires_at: expires } })
  t.equal(trusted.status, 201)
  if (trusted.status !== 201) return
  t.match(trusted.body, { issuer: 'https://idp.example', subject: 'svc-1', allow_any_subject: false, scope: ['read'], public_key: { set: 'https://idp.example', kid: 'issuer-key' } })
  const id = trusted.body.id!
  t.same((await jwk.getJsonWebKey(client, { set: 'https://idp.example', kid: 'issuer-key' })).body.keys?.[0]?.x, publicKey.x)

  await oryError(t, oauth2.trustOAuth2JwtGrantIssuer(client, { body: { issuer: 'https://idp.example', subject: 'svc-1', scope: ['read'], jwk: publicKey as any, expires_at: expires } }), 409)
  await oryError(t, oauth2.trustOAuth2JwtGrantIssuer(client, { body: { issuer: 'https://idp.example', subject: 'svc-2', allow_any_subject: true, scope: [], jwk: publicKey as any, expires_at: expires } }), 400)
  await oryError(t, oauth2.trustOAuth2JwtGrantIssuer(client, { body: { issuer: 'https://idp.example', subject: 'svc-2', scope: [], jwk: publicKey as any, expires_at: '2000-01-01T00:00:00Z' } }), 400)
  const privateKey = { ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }), kid: 'k2', use: 'sig', alg: 'ES256' }
  await oryError(t, oauth2.trustOAuth2JwtGrantIssuer(client, { body: { issuer: 'https://other.example', allow_any_subject: true, scope: [], jwk: privateKey as any, expires_at: expires } }), 400)
  await oauth2.trustOAuth2JwtGrantIssuer(client, { body: { issuer: 'https://other.example', allow_any_subject: true, scope: ['write'], jwk: { ...publicKey, kid: 'k3' } as any, expires_at: expires } })

  t.equal((await oauth2.getTrustedOAuth2JwtGrantIssuer(client, { id })).body.id, id)
  t.equal((await oauth2.listTrustedOAuth2JwtGrantIssuers(client)).body.length, 2)
  t.same((await oauth2.listTrustedOAuth2JwtGrantIssuers(client, { issuer: 'https://other.example' })).body.map(i => i.allow_any_subject), [true])
  const firstPage = await oauth2.listTrustedOAuth2JwtGrantIssuers(client, { page_size: 1 })
  t.match(String(firstPage.headers.link), /rel="next"/)

  t.equal((await oauth2.deleteTrustedOAuth2JwtGrantIssuer(client, { id })).status, 204)
  const missing = await oryError(t, oauth2.getTrustedOAuth2JwtGrantIssuer(client, { id }), 404)
  t.equal(missing.error, 'Not Found')
  await oryError(t, oauth2.deleteTrustedOAuth2JwtGrantIssuer(client, { id }), 404)
})
