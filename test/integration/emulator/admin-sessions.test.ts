import { frontend, identity } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// The session admin API: list (with expand), get, disable, extend, and an identity's sessions.
emulatorTest('admin sessions: list, get, disable, extend, per identity', async (t, emu) => {
  const { client, clock } = emu
  const ada = await signUpNative(client, 'ada@example.com')
  const grace = await signUpNative(client, 'grace@example.com')
  const adaSession = await frontend.toSession(client, { xSessionToken: ada.token })

  const all = await identity.listSessions(client)
  t.equal(all.body.length, 2)
  t.equal(all.body[0]?.identity, undefined, 'the identity only when expanded')
  const expanded = await identity.listSessions(client, { expand: ['identity', 'devices'] })
  t.ok(expanded.body.every(s => s.identity !== undefined && s.devices !== undefined))

  const one = await identity.getSession(client, { id: adaSession.body.id, expand: ['identity'] })
  t.equal(one.body.identity?.id, ada.identityId)
  await oryError(t, identity.getSession(client, { id: '00000000-0000-4000-8000-000000000000' }), 404)

  clock.advance(60 * 60_000)
  const extended = await identity.extendSession(client, { id: adaSession.body.id })
  t.equal(extended.status, 200)
  if (extended.status === 200) t.ok(Date.parse(extended.body.expires_at!) > Date.parse(adaSession.body.expires_at!), 'expires later')

  const disabled = await identity.disableSession(client, { id: adaSession.body.id })
  t.equal(disabled.status, 204)
  await oryError(t, frontend.toSession(client, { xSessionToken: ada.token }), 401)
  t.same((await identity.listSessions(client, { active: true })).body.map(s => s.identity?.id ?? s.id).length, 1)
  t.equal((await identity.listSessions(client, { active: false })).body[0]?.active, false)

  const graceSessions = await identity.listIdentitySessions(client, { id: grace.identityId })
  t.equal(graceSessions.body.length, 1)
  const removed = await identity.deleteIdentitySessions(client, { id: grace.identityId })
  t.equal(removed.status, 204)
  await oryError(t, frontend.toSession(client, { xSessionToken: grace.token }), 401)
  t.same((await identity.listIdentitySessions(client, { id: grace.identityId })).body, [])
  await oryError(t, identity.listIdentitySessions(client, { id: '00000000-0000-4000-8000-000000000000' }), 404)
})
