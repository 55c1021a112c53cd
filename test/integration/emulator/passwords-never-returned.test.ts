import { Writable } from 'node:stream'
import { courier, frontend, identity } from '../../../src/ory/index.js'
import { hashPassword } from '../../../src/emulator/index.js'
import { CookieJar, emulatorTest, lastCode, oryError, signInBrowser } from '../../helpers/emulator.js'

const logs: string[] = []
const stream = new Writable({ write (chunk: Buffer, _encoding, callback) { logs.push(chunk.toString()); callback() } })

// Passwords and their hashes never leave the emulator: not in any response (credentials show metadata only, even
// with include_credential), not in the logs; nor do session tokens, logout tokens, cookies or codes reach the logs.
emulatorTest('passwords and hashes are never returned, and secrets never logged', async (t, emu) => {
  const { client } = emu
  const passwords = ['first-password-aaa', 'wrong-password-bbb', 'changed-password-ccc', 'imported-password-ddd', 'hashed-password-eee']

  const registration = await frontend.createNativeRegistrationFlow(client)
  const signedUp = await frontend.updateRegistrationFlow(client, { flow: registration.body.id, body: { method: 'password', password: passwords[0]!, traits: { email: 'ada@example.com' } } })
  if (signedUp.status !== 200) return
  const token = signedUp.body.session_token!
  const login = await frontend.createNativeLoginFlow(client)
  await oryError(t, frontend.updateLoginFlow(client, { flow: login.body.id, body: { method: 'password', identifier: 'ada@example.com', password: passwords[1]! } }), 400)
  const short = await frontend.createNativeRegistrationFlow(client)
  await oryError(t, frontend.updateRegistrationFlow(client, { flow: short.body.id, body: { method: 'password', password: 'tiny', traits: { email: 'x@example.com' } } }), 400)
  const settings = await frontend.createNativeSettingsFlow(client, { xSessionToken: token })
  await frontend.updateSettingsFlow(client, { flow: settings.body.id, xSessionToken: token, body: { method: 'password', password: passwords[2]! } })

  const imported = await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'grace@example.com' }, credentials: { password: { config: { password: passwords[3]! } } } } })
  const hash = await hashPassword(passwords[4]!, 1024)
  await identity.createIdentity(client, { body: { schema_id: 'default', traits: { email: 'linus@example.com' }, credentials: { password: { config: { hashed_password: hash } } } } })
  const withCredentials = await identity.getIdentity(client, { id: imported.body.id, include_credential: ['password'] })
  t.same(Object.keys(withCredentials.body.credentials?.password ?? {}).sort(), ['created_at', 'identifiers', 'type', 'updated_at', 'version'])
  await identity.listIdentities(client, { include_credential: ['password'] })
  await identity.updateIdentity(client, { id: imported.body.id, body: { schema_id: 'default', state: 'active', traits: { email: 'grace@example.com' }, credentials: { password: { config: { password: passwords[3]! } } } } })
  await frontend.toSession(client, { xSessionToken: token })

  const jar = new CookieJar()
  await signInBrowser(client, jar, 'grace@example.com', passwords[3])
  const logout = await frontend.createBrowserLogoutFlow(client, { cookie: jar.header() })
  await frontend.updateLogoutFlow(client, { token: logout.body.logout_token, cookie: jar.header() })
  const recovery = await frontend.createNativeRecoveryFlow(client)
  await frontend.updateRecoveryFlow(client, { flow: recovery.body.id, body: { method: 'code', email: 'ada@example.com' } })
  const code = await lastCode(client, 'ada@example.com')
  await frontend.updateRecoveryFlow(client, { flow: recovery.body.id, body: { method: 'code', code } })
  await courier.listCourierMessages(client)

  const hashes = [...emu.state.identities.values()].map(i => i.passwordHash).filter((h): h is string => h !== undefined)
  t.equal(hashes.length, 3)
  const sent = emu.responses.map(r => JSON.stringify({ headers: r.headers, body: r.body }))
  for (const secret of [...passwords, ...hashes, '$scrypt$', 'hashed_password']) {
    t.notOk(sent.some(s => s.includes(secret)), `no response contains ${secret.slice(0, 12)}…`)
  }

  const logged = logs.join('')
  t.match(logged, /incoming request/, 'requests were logged')
  t.match(logged, /token=\[redacted\]/, 'the logout token is blanked in the logged URL')
  const sessionTokens = [...emu.state.sessions.values()].map(s => s.token)
  const cookies = jar.header().split('; ').map(c => c.split('=').slice(1).join('=')).filter(v => v.length > 8)
  for (const secret of [...passwords, ...hashes, ...sessionTokens, logout.body.logout_token, code, ...cookies]) {
    t.notOk(logged.includes(secret), `the logs do not contain ${secret.slice(0, 10)}…`)
  }
}, { logger: { level: 'info', stream } })
