import { createLocalJWKSet, jwtVerify } from 'jose'
import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, signUpNative } from '../../helpers/emulator.js'

// A template of the emulator's options: its TTL and the claims its mapper returns; the mapper cannot change `sub`.
emulatorTest('tokenize_as with a template of the options: its TTL and its mapped claims; the subject stays the identity', async (t, emu) => {
  const { client } = emu
  const { token, identityId } = await signUpNative(client, 'ada@example.com')
  const whoami = await frontend.toSession(client, { xSessionToken: token, tokenize_as: 'short' })
  const jwks = await (await fetch(`${emu.url}/admin/emulator/tokenizer/jwks.json`)).json() as never
  const { payload } = await jwtVerify(whoami.body.tokenized!, createLocalJWKSet(jwks), { currentDate: new Date(emu.clock.now()) })
  t.equal(payload.exp! - payload.iat!, 5)
  t.equal(payload.email, 'ada@example.com')
  t.equal(payload.sub, identityId, 'a mapper cannot change sub')
  t.equal(payload.session, undefined)
}, {
  tokenizeTemplates: {
    short: { ttlSeconds: 5, claimsMapper: ({ session }) => ({ email: (session.identity?.traits as { email: string }).email, sub: 'someone-else' }) }
  }
})
