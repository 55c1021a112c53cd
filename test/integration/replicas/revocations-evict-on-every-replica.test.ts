import t from 'tap'
import { CookieJar, signInBrowser } from '../../helpers/emulator.js'
import { SAME_ORIGIN } from '../../helpers/session.js'
import { sessionStatus, withReplicas } from '../../helpers/replicas.js'
import { until } from '../../helpers/oauth2-redis.js'

// Revoking a device (one session by id) or all other devices (an identity's other sessions) on one replica evicts
// those sessions on the others too, and nothing else: the revoking session stays signed in everywhere.

t.test('DELETE /api/session/devices/:id and DELETE /api/session/devices on one replica evict on the other', async t => {
  const { replicas, signIn, client } = await withReplicas(t, 2)
  const [a, b] = replicas.map(replica => replica.app) as [typeof replicas[0]['app'], typeof replicas[0]['app']]
  const laptop = await signIn('bob@example.com')
  const phone = new CookieJar()
  await signInBrowser(client, phone, 'bob@example.com')
  const tablet = new CookieJar()
  await signInBrowser(client, tablet, 'bob@example.com')
  const other = await signIn('eve@example.com')
  for (const jar of [laptop, phone, tablet, other]) t.equal(await sessionStatus(b, jar.header()), 200, 'cached on the second replica')

  const devices = (await b.inject({ method: 'GET', url: '/api/session/devices', headers: { cookie: phone.header() } })).json()
  const phoneSession = (devices.sessions as Array<{ id: string, current: boolean }>).find(session => session.current)!
  const revoked = await a.inject({ method: 'DELETE', url: `/api/session/devices/${phoneSession.id}`, headers: { cookie: laptop.header(), ...SAME_ORIGIN } })
  t.equal(revoked.statusCode, 204)
  await until('the phone is signed out on the second replica', async () => await sessionStatus(b, phone.header()) === 401, { attempts: 40, intervalMs: 5 })
  t.equal(await sessionStatus(b, laptop.header()), 200, 'the laptop is still signed in')
  t.equal(await sessionStatus(b, tablet.header()), 200, 'the tablet too')

  const others = await a.inject({ method: 'DELETE', url: '/api/session/devices', headers: { cookie: laptop.header(), ...SAME_ORIGIN } })
  t.equal(others.statusCode, 200)
  await until('the tablet is signed out on the second replica', async () => await sessionStatus(b, tablet.header()) === 401, { attempts: 40, intervalMs: 5 })
  t.equal(await sessionStatus(b, laptop.header()), 200, 'the session that revoked the others stays signed in')
  t.equal(await sessionStatus(b, other.header()), 200, 'another user is untouched')
})
