import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, PASSWORD } from '../../helpers/emulator.js'

// A browser registration that signs the user in rotates the anti-CSRF token (session/manager_http.go `IssueCookie`),
// and selfservice/hook/verification.go gives the verification flow it starts that regenerated token, so the flow the
// SPA is sent to next (`show_verification_ui`) works with the new cookie.
emulatorTest('browser registration rotates the anti-CSRF token; its verification flow carries the new one', async (t, emu) => {
  const { client } = emu
  const jar = new CookieJar()
  const csrfName = (): string => jar.names().find(name => name.startsWith('csrf_token_'))!
  const flow = await frontend.createBrowserRegistrationFlow(client)
  t.equal(flow.status, 200)
  if (flow.status !== 200) return
  jar.store(flow.headers['set-cookie'])
  const before = jar.get(csrfName())
  const done = await frontend.updateRegistrationFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { method: 'password', password: PASSWORD, traits: { email: 'ada@example.com', name: { first: 'A', last: 'L' } }, csrf_token: csrfToken(flow.body) }
  })
  t.equal(done.status, 200)
  if (done.status !== 200) return
  jar.store(done.headers['set-cookie'])
  t.ok(jar.get(csrfName()) !== before, 'a new anti-CSRF token')
  const next = done.body.continue_with?.find(c => c.action === 'show_verification_ui')
  if (next?.action !== 'show_verification_ui') {
    t.fail('no verification flow')
    return
  }
  const verification = await frontend.getVerificationFlow(client, { id: next.flow.id, cookie: jar.header() })
  t.equal(verification.status, 200, 'the verification flow is shown to the browser with the new cookie')
})
