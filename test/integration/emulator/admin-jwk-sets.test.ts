import { createPublicKey, createSign, createVerify } from 'node:crypto'
import { jwk } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Hydra's JSON Web Key admin API: generated ES256 and RS256 keys are real key pairs (a signature made with the private
// JWK verifies with its public half), the admin API shows private parts, a set and a key can be replaced and deleted,
// and unknown sets and keys are 404 in fosite's shape.
emulatorTest('admin JWK sets: generate, read, replace, delete', async (t, emu) => {
  const { client } = emu
  const es = await jwk.createJsonWebKeySet(client, { set: 'signing', body: { alg: 'ES256', use: 'sig', kid: 'es-1' } })
  t.equal(es.status, 201)
  const esKey = es.body.keys![0]!
  t.match(esKey, { kty: 'EC', crv: 'P-256', kid: 'es-1', use: 'sig', alg: 'ES256' })
  t.type(esKey.d, 'string', 'the private part, as Hydra shows it on its admin API')

  const rs = await jwk.createJsonWebKeySet(client, { set: 'signing', body: { alg: 'RS256', use: 'sig', kid: '' } })
  const rsKey = rs.body.keys![0]!
  t.match(rsKey, { kty: 'RSA', use: 'sig', alg: 'RS256' })
  t.match(rsKey.kid, /^[0-9a-f-]{36}$/, 'a UUID kid when none is given')

  for (const [key, algorithm] of [[esKey, 'SHA256'], [rsKey, 'RSA-SHA256']] as const) {
    const signature = createSign('SHA256').update('payload').sign({ key: key as any, format: 'jwk' })
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = key
    t.ok(createVerify('SHA256').update('payload').verify(createPublicKey({ key: pub as any, format: 'jwk' }), signature), `${algorithm}: the key pair works`)
  }

  await oryError(t, jwk.createJsonWebKeySet(client, { set: 'signing', body: { alg: 'ES256', use: 'sig', kid: 'es-1' } }), 409)
  const set = await jwk.getJsonWebKeySet(client, { set: 'signing' })
  t.same(set.body.keys!.map(k => k.kid), ['es-1', rsKey.kid])
  const one = await jwk.getJsonWebKey(client, { set: 'signing', kid: 'es-1' })
  t.same(one.body.keys!.map(k => k.kid), ['es-1'], 'one key, as a set')

  const hs = await jwk.createJsonWebKeySet(client, { set: 'hmac', body: { alg: 'HS256', use: 'sig', kid: 'h' } })
  t.match(hs.body.keys![0], { kty: 'oct', alg: 'HS256' })
  await oryError(t, jwk.createJsonWebKeySet(client, { set: 'x', body: { alg: 'none', use: 'sig', kid: 'k' } }), 400)

  const { d: _d, ...esPublic } = esKey
  const put = await jwk.setJsonWebKey(client, { set: 'signing', kid: 'es-1', body: { ...esPublic, use: 'enc' } })
  t.equal(put.body.use, 'enc')
  t.equal(put.body.d, undefined, 'stored as given')
  await oryError(t, jwk.setJsonWebKey(client, { set: 'signing', kid: 'es-1', body: { kty: 'EC', kid: 'es-1', use: 'sig', alg: 'ES256', x: 'bad', y: 'bad', crv: 'P-256' } }), 400)

  const replaced = await jwk.setJsonWebKeySet(client, { set: 'signing', body: { keys: [{ ...esPublic, kid: 'only' }] } })
  t.same(replaced.body.keys!.map(k => k.kid), ['only'])

  t.equal((await jwk.deleteJsonWebKey(client, { set: 'signing', kid: 'only' })).status, 204)
  const missing = await oryError(t, jwk.getJsonWebKeySet(client, { set: 'signing' }), 404)
  t.equal(missing.error, 'Not Found')
  await oryError(t, jwk.getJsonWebKey(client, { set: 'hmac', kid: 'nope' }), 404)
  await oryError(t, jwk.deleteJsonWebKey(client, { set: 'hmac', kid: 'nope' }), 404)
  t.equal((await jwk.deleteJsonWebKeySet(client, { set: 'hmac' })).status, 204)
  await oryError(t, jwk.deleteJsonWebKeySet(client, { set: 'hmac' }), 404)

  // The public JWKS stays the ID token keys, without private parts.
  const publicJwks = await (await fetch(new URL('/.well-known/jwks.json', emu.url))).json() as { keys: Array<Record<string, unknown>> }
  t.ok(publicJwks.keys.every(k => k.d === undefined))
})
