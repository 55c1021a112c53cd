import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// Behind https (baseUrl), cookies are Secure, and every URL Ory writes uses baseUrl. Cookies are host-only: Kratos sets
// a Domain only when `cookies.domain` is configured (session/manager_http.go `IssueCookie`).
emulatorTest('with an https base URL, cookies are Secure and host-only and URLs are absolute on it', async (t, emu) => {
  const { client } = emu
  t.equal(emu.baseUrl, 'https://auth.example.test')
  await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createBrowserLoginFlow(client)
  if (flow.status !== 200) return
  t.equal(flow.body.ui.action, `https://auth.example.test/self-service/login?flow=${flow.body.id}`)
  t.equal(flow.body.request_url, 'https://auth.example.test/self-service/login/browser')
  const csrf = (flow.headers['set-cookie'] as string[])[0]!
  t.match(csrf, /; Secure/)

  const jar = new CookieJar()
  await signInBrowser(client, jar, 'ada@example.com')
  t.match(jar.attributes('ory_kratos_session'), { path: '/', httponly: '', samesite: 'Lax', secure: '' })
  t.notOk('domain' in jar.attributes('ory_kratos_session'))
  const identity = await frontend.toSession(client, { cookie: jar.header() })
  t.equal(identity.body.identity?.schema_url, 'https://auth.example.test/schemas/ZGVmYXVsdA')
}, { baseUrl: 'https://auth.example.test', allowedReturnUrls: ['http://127.0.0.1:4000'] })
