import { frontend } from '../../../src/ory/index.js'
import { CookieJar, emulatorTest, signInBrowser, signUpNative } from '../../helpers/emulator.js'

// session/manager_http.go `IssueCookie` and x/nosurfx/nosurf.go `NosurfBaseCookieHandler` set a cookie `Domain` only
// when one is configured (`session.cookie.domain`, falling back to `cookies.domain`): by default both cookies are
// host-only. The emulator's `cookieDomain` option is Kratos' `cookies.domain`.
for (const cookieDomain of [undefined, 'example.test']) {
  emulatorTest(`the session and anti-CSRF cookies' Domain is cookieDomain (${String(cookieDomain)}), host-only by default`, async (t, emu) => {
    const { client } = emu
    await signUpNative(client, 'ada@example.com')
    const jar = new CookieJar()
    await signInBrowser(client, jar, 'ada@example.com')
    const csrf = jar.names().find(name => name.startsWith('csrf_token_'))!
    t.equal(jar.attributes('ory_kratos_session').domain, cookieDomain)
    t.equal(jar.attributes(csrf).domain, cookieDomain)
    t.equal((await frontend.toSession(client, { cookie: jar.header() })).status, 200)
  }, cookieDomain === undefined ? {} : { cookieDomain })
}
