import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { codeFlow, CookieJar, emulatorTest, OAUTH2_CLIENT, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// rotateKeys(): the new key signs; the old one stays in the JWKS, so its tokens still verify, until dropped.
emulatorTest('key rotation: the old kid verifies until dropped', async (t, emu) => {
  await signUpNative(emu.client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(emu.client, jar, 'ada@example.com')
  const verify = async (jwt: string): Promise<unknown> => await jwtVerify(jwt, createRemoteJWKSet(new URL('/.well-known/jwks.json', emu.url)), { currentDate: new Date(emu.clock.now()) }).then(() => true, (e: Error) => e.name)
  const before = (await codeFlow(emu, jar.header())).tokens.id_token as string
  const oldKid = decodeProtectedHeader(before).kid

  const newKid = await emu.ctx.oauth2.rotateKeys()
  t.not(newKid, oldKid)
  const after = (await codeFlow(emu, jar.header())).tokens.id_token as string
  t.equal(decodeProtectedHeader(after).kid, newKid, 'the new key signs')
  const jwks = await (await fetch(`${emu.url}/.well-known/jwks.json`)).json() as { keys: Array<{ kid: string }> }
  t.same(jwks.keys.map(k => k.kid), [newKid, oldKid], 'both published, the current first')
  t.equal(await verify(before), true, 'a token of the old key still verifies')
  t.equal(await verify(after), true)

  await emu.ctx.oauth2.rotateKeys({ dropOld: true })
  t.equal(await verify(before), 'JWKSNoMatchingKey', 'dropped: the old kid is gone')
}, { oauth2Clients: [OAUTH2_CLIENT] })
