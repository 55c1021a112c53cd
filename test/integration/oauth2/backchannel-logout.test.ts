import t from 'tap'
import { clearedCookies, signIn, SPA_FETCH } from '../../helpers/oauth2.js'
import { startListeningRedisBff } from '../../helpers/oauth2-redis.js'

// OpenID Connect Back-Channel Logout with TOKEN_STORE=redis: the provider POSTs a signed logout token to the BFF,
// server to server, and the BFF ends the sessions it names: by `sid` only that provider session's (one browser), by
// `sub` every session of the user. The browser learns it on its next call: 401 with its cookie cleared.

t.test('a logout token by sid ends that browser\'s session only; one by sub ends them all', async t => {
  const bff = await startListeningRedisBff(t)
  const { app, emu } = bff
  const oauth2 = emu.ctx.oauth2

  // The emulator's test identity gets a new Kratos session for every authorization without a cookie: two browsers,
  // two provider sessions (sids), one user.
  const first = await signIn(bff)
  const second = await signIn(bff)
  const families = [...oauth2.families.values()]
  t.equal(families.length, 2)
  const [sid1, sid2] = families.map(family => family.sid)
  t.not(sid1, sid2, 'two provider sessions')
  const sub = families[0]!.subject
  t.equal(families[1]!.subject, sub, 'of one user')

  const user = async (cookie: string): Promise<Awaited<ReturnType<typeof app.inject>>> => await app.inject({ method: 'GET', url: '/api/oauth2/user', headers: { cookie, ...SPA_FETCH } })
  t.equal((await user(first.cookie)).statusCode, 200)
  t.equal((await user(second.cookie)).statusCode, 200)

  const bySid = await oauth2.backchannelLogout({ sid: sid1! })
  t.equal(bySid.length, 1, 'one logout token, to the BFF')
  t.match(bySid[0], { url: `${bff.publicUrl}/api/oauth2/backchannel-logout`, status: 200, ok: true, sid: sid1 }, 'the BFF took it')

  const signedOut = await user(first.cookie)
  t.equal(signedOut.statusCode, 401, 'the first browser is signed out')
  t.match(signedOut.json().error, { code: 401, id: 'session_inactive' })
  t.same(clearedCookies(signedOut), ['bff_session'], 'and its cookie cleared')
  t.equal((await user(second.cookie)).statusCode, 200, 'the other browser is still signed in')

  const bySub = await oauth2.backchannelLogout({ sub })
  t.equal(bySub.length, 2, 'one logout token per provider session of the user')
  t.ok(bySub.every(delivery => delivery.status === 200), 'each answered 200, the already ended one too')
  const gone = await user(second.cookie)
  t.equal(gone.statusCode, 401, 'the second browser is signed out as well')
  t.same(clearedCookies(gone), ['bff_session'])
  t.equal((await user(first.cookie)).statusCode, 401, 'and the first stays signed out')

  const logs = bff.logs.lines()
  const ended = logs.filter(line => line.msg === 'back-channel logout').map(line => line.ended as number)
  t.equal(ended[0], 1, 'the logout token by sid ended one session')
  t.same(ended.slice(1).sort(), [0, 1], 'those by sub (sent at once, answered in any order): one more, and none for the ended one')
  const text = bff.logs.text()
  for (const token of [...oauth2.accessTokens.keys(), ...oauth2.refreshTokens.keys()]) t.notOk(text.includes(token), 'no token in the logs')
  t.notOk(/eyJ[A-Za-z0-9_-]+\.eyJ/.test(text), 'no logout token in the logs')
})
