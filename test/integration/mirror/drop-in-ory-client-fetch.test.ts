import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Configuration, FrontendApi, ResponseError, type UiNodeInputAttributes } from '@ory/client-fetch'
import t from 'tap'
import { startEmulator } from '../../../src/emulator/index.js'
import { readyTestApp } from '../../helpers/app.js'
import { oryConfig, PASSWORD_HASH_COST } from '../../helpers/config.js'
import { CookieJar, PASSWORD } from '../../helpers/mirror.js'

// The drop-in promise: an SPA written against Ory's own SDK only changes its basePath to `<origin>/.ory`. Here the
// SDK is the real @ory/client-fetch, its fetch a Node fetch with a cookie jar standing in for the browser's, and the
// BFF a real server on 127.0.0.1 in front of the emulator.
t.test('@ory/client-fetch FrontendApi against the BFF: register, log in, whoami, log out', async t => {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => await new Promise<void>(resolve => server.close(() => resolve())))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const emu = await startEmulator({ port: 0, uiUrl: origin, passwordHashCost: PASSWORD_HASH_COST })
  t.teardown(async () => await emu.close())
  const app = await readyTestApp(t, oryConfig(emu.url, { PUBLIC_URL: origin }))
  server.on('request', (req, res) => app.routing(req, res))

  const jar = new CookieJar()
  const seen: string[] = []
  const fetchWithJar: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers)
    const cookie = jar.header()
    if (cookie !== '') headers.set('cookie', cookie)
    const url = input instanceof Request ? input.url : String(input)
    seen.push(new URL(url).origin)
    const res = await fetch(input, { ...init, headers, redirect: 'manual' })
    jar.store(res.headers.getSetCookie())
    return res
  }
  // The SDK sends no Accept, and Kratos treats fetch's `*/*` as a browser and redirects (x/isjsonrequest.go
  // `IsJSONRequest`): an SPA asks for JSON through the SDK's configuration.
  const ory = new FrontendApi(new Configuration({ basePath: `${origin}/.ory`, credentials: 'include', fetchApi: fetchWithJar, headers: { Accept: 'application/json' } }))
  const csrf = (nodes: Array<{ attributes: unknown }>): string => {
    const node = nodes.find(n => (n.attributes as UiNodeInputAttributes).name === 'csrf_token')
    return String((node?.attributes as UiNodeInputAttributes).value)
  }

  const registration = await ory.createBrowserRegistrationFlow()
  t.equal(registration.ui.action, `${origin}/.ory/self-service/registration?flow=${registration.id}`, 'the SDK sees URLs on the BFF\'s origin')
  const signedUp = await ory.updateRegistrationFlow({
    flow: registration.id,
    updateRegistrationFlowBody: { method: 'password', password: PASSWORD, traits: { email: 'sdk@example.com', name: { first: 'S', last: 'DK' } }, csrf_token: csrf(registration.ui.nodes) }
  })
  t.equal(signedUp.identity.traits.email, 'sdk@example.com')

  const me = await ory.toSession()
  t.equal(me.identity?.id, signedUp.identity.id, 'whoami with the session cookie the BFF set')
  t.equal(me.identity?.schema_url, `${origin}/.ory/schemas/ZGVmYXVsdA`)

  const logout = await ory.createBrowserLogoutFlow()
  t.ok(logout.logout_url.startsWith(`${origin}/.ory/self-service/logout?token=`))
  await ory.updateLogoutFlow({ token: logout.logout_token })
  const gone = await ory.toSession().then(() => undefined, (err: unknown) => err)
  t.ok(gone instanceof ResponseError, 'logged out: whoami fails')
  t.equal((gone as ResponseError).response.status, 401)

  const login = await ory.createBrowserLoginFlow()
  const signedIn = await ory.updateLoginFlow({
    flow: login.id,
    updateLoginFlowBody: { method: 'password', identifier: 'sdk@example.com', password: PASSWORD, csrf_token: csrf(login.ui.nodes) }
  })
  t.equal(signedIn.session.identity?.id, signedUp.identity.id)
  t.equal((await ory.toSession()).active, true, 'signed in again')

  t.same([...new Set(seen)], [origin], 'the SDK only ever talked to the BFF\'s origin')
  t.ok(jar.names().every(name => name === 'ory_kratos_session' || name.startsWith('csrf_token_')), 'only Ory\'s cookies in the jar')
})
