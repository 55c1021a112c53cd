import { frontend, identity } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, oryError, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Kratos's whoami (session/handler.go, `whoami`) answers every failure of FetchFromRequest — no credentials, an
// unknown token or cookie, a revoked or an expired session — with one error, session/error.go `ErrNoSessionFound`:
// herodot's 401 with the reason "No valid session credentials found in the request." and no `error.id` (the
// `session_inactive` id of session/manager.go `NewErrNoActiveSessionFound` is only wrapped, not sent).
emulatorTest('whoami without a usable session is 401 ErrNoSessionFound, without an error id', async (t, emu) => {
  const { client, clock } = emu
  const expected = (request: unknown) => ({
    code: 401,
    status: 'Unauthorized',
    request,
    reason: 'No valid session credentials found in the request.',
    message: 'The request could not be authorized'
  })
  const check = async (label: string, call: Promise<unknown>): Promise<void> => {
    const body = await oryError(t, call, 401)
    t.same(body, { error: expected(body?.error?.request) }, label)
    t.notOk('id' in (body?.error ?? {}), `${label}: no error.id`)
  }

  await check('no credentials', frontend.toSession(client))
  await check('an unknown session token', frontend.toSession(client, { xSessionToken: 'ory_st_made_up' }))
  await check('a forged cookie', frontend.toSession(client, { cookie: 'ory_kratos_session=forged' }))

  const { token } = await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  const browser = await frontend.toSession(client, { cookie: jar.header() })
  await identity.disableSession(client, { id: browser.body.id })
  await check('a revoked session', frontend.toSession(client, { cookie: jar.header() }))

  clock.advance(24 * 60 * 60_000 + 1)
  await check('an expired session', frontend.toSession(client, { xSessionToken: token }))
})
