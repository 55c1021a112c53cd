import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, signUpNative } from '../../helpers/emulator.js'

// whoami?tokenize_as=<template> adds `tokenized`: a JWT of the session, signed with the template's key, with Kratos'
// claims (session/tokenizer.go) and the mapper's; it verifies against the emulator's tokenizer JWKS.
emulatorTest('whoami?tokenize_as signs the session as a JWT that verifies against the tokenizer JWKS', async (t, emu) => {
  const { client, clock } = emu
  const { token, identityId } = await signUpNative(client, 'ada@example.com')

  const plain = await frontend.toSession(client, { xSessionToken: token })
  t.equal(plain.body.tokenized, undefined, 'no tokenized field without tokenize_as')

  const started = Math.floor(clock.now() / 1000)
  const whoami = await frontend.toSession(client, { xSessionToken: token, tokenize_as: 'jwt_example' })
  const jwt = whoami.body.tokenized
  t.type(jwt, 'string')

  const jwks = await (await fetch(`${emu.url}/admin/emulator/tokenizer/jwks.json`)).json() as { keys: Array<Record<string, unknown>> }
  t.equal(jwks.keys.length, 1)
  t.equal(jwks.keys[0]?.d, undefined, 'the JWKS holds no private key material')
  const header = decodeProtectedHeader(jwt!)
  t.equal(header.kid, jwks.keys[0]?.kid)
  t.equal(header.typ, 'JWT')
  const { payload } = await jwtVerify(jwt!, createLocalJWKSet(jwks as never), { issuer: emu.baseUrl, algorithms: ['ES256'], currentDate: new Date(clock.now()) })
  t.equal(payload.sub, identityId)
  t.equal(payload.sid, whoami.body.id)
  t.type(payload.jti, 'string')
  t.ok(payload.iat! >= started && payload.iat! <= started + 5)
  t.equal(payload.nbf, payload.iat)
  t.equal(payload.exp, payload.iat! + 60, 'jwt_example lives 60 seconds')
  t.equal((payload.session as { id?: string }).id, whoami.body.id, 'the default template carries the session')

  const again = await frontend.toSession(client, { xSessionToken: token, tokenize_as: 'jwt_example' })
  t.not(again.body.tokenized, jwt, 'a fresh jti each time')
})
