import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, lastCode, signUpNative } from '../../helpers/emulator.js'

// selfservice/strategy/code/strategy_recovery.go `recoveryIssueSession` regenerates the anti-CSRF token before the
// settings flow it sends the user to is made, so that flow carries the new token and works with the new cookie.
emulatorTest('recovery rotates the anti-CSRF token, and the settings flow it opens uses the new one', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  const jar = new CookieJar()
  const csrfName = (): string => jar.names().find(name => name.startsWith('csrf_token_'))!

  const flow = await frontend.createBrowserRecoveryFlow(client)
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  const before = jar.get(csrfName())
  const sent = await frontend.updateRecoveryFlow(client, { flow: flow.body.id, cookie: jar.header(), body: { method: 'code', email: 'ada@example.com', csrf_token: csrfToken(flow.body) } })
  if (sent.status !== 200) return
  const recovered = await fetch(`${emu.url}/self-service/recovery?flow=${flow.body.id}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ method: 'code', code: await lastCode(client, 'ada@example.com'), csrf_token: csrfToken(sent.body) }).toString()
  })
  t.equal(recovered.status, 303)
  jar.store(recovered.headers.getSetCookie())
  t.ok(jar.get(csrfName()) !== before, 'a new anti-CSRF token')

  const settingsId = new URL(recovered.headers.get('location')!).searchParams.get('flow')!
  const settings = await frontend.getSettingsFlow(client, { id: settingsId, cookie: jar.header() })
  const saved = await frontend.updateSettingsFlow(client, {
    flow: settingsId, cookie: jar.header(), body: { method: 'password', password: 'a brand new passphrase of mine', csrf_token: csrfToken(settings.body) }
  })
  t.equal(saved.status, 200, 'the settings flow carries the new token')
})
