import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, PASSWORD, signUpNative } from '../../helpers/emulator.js'

// x/isjsonrequest.go `IsJSONRequest` negotiates over text/html, text/*, */* and application/json, in that order, so
// fetch()'s default `Accept: */*` and a request without `Accept` are a browser: 303s on init, submit and logout. Only
// a client that prefers JSON, or sends `Content-Type: application/json` (submits), gets JSON; a browser init goes by
// `Accept` alone (x/http.go `AcceptsJSON`, through `SendFlowCompletedAsRedirectOrJSON`).
emulatorTest('Accept: */* and no Accept are a browser; only a client preferring JSON gets JSON', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const any = await fetch(`${emu.url}/self-service/login/browser`, { redirect: 'manual', headers: { accept: '*/*' } })
  t.equal(any.status, 303, 'fetch()\'s default Accept: a redirect to the UI')
  const none = await fetch(`${emu.url}/self-service/registration/browser`, { redirect: 'manual', headers: { accept: '' } })
  t.equal(none.status, 303, 'no Accept: a redirect')
  const jsonBodyInit = await fetch(`${emu.url}/self-service/login/browser`, { redirect: 'manual', headers: { accept: '*/*', 'content-type': 'application/json' } })
  t.equal(jsonBodyInit.status, 303, 'an init goes by Accept only')
  const axios = await fetch(`${emu.url}/self-service/login/browser`, { redirect: 'manual', headers: { accept: 'application/json, text/plain, */*' } })
  t.equal(axios.status, 200, 'a client listing application/json first gets JSON')

  // Submit: `*/*` with a form body → 303; `*/*` with a JSON body → JSON (Content-Type counts on submit).
  const flow = await frontend.createBrowserLoginFlow(client)
  if (flow.status !== 200) return
  const jar = new CookieJar()
  jar.store(flow.headers['set-cookie'])
  const wrong = { method: 'password' as const, identifier: 'ada@example.com', password: 'not the password', csrf_token: csrfToken(flow.body) }
  const form = await frontend.updateLoginFlow(client, { flow: flow.body.id, cookie: jar.header(), body: wrong }, { bodyType: 'form', headers: { accept: '*/*' } })
  t.equal(form.status, 303, 'a form posted with Accept: */* is sent back to the UI')
  const jsonBody = await fetch(`${emu.url}/self-service/login?flow=${flow.body.id}`, {
    method: 'POST', redirect: 'manual', headers: { accept: '*/*', 'content-type': 'application/json', cookie: jar.header() }, body: JSON.stringify(wrong)
  })
  t.equal(jsonBody.status, 400, 'a JSON body with Accept: */* gets the flow as JSON')
  t.equal(((await jsonBody.json()) as { id: string }).id, flow.body.id)

  // Logout with Accept: */*: a redirect, not a 204.
  const signedIn = await frontend.updateLoginFlow(client, {
    flow: flow.body.id, cookie: jar.header(), body: { ...wrong, password: PASSWORD, csrf_token: csrfToken(flow.body) }
  })
  jar.store(signedIn.headers['set-cookie'])
  const logout = await frontend.createBrowserLogoutFlow(client, { cookie: jar.header() })
  const done = await fetch(logout.body.logout_url, { redirect: 'manual', headers: { accept: '*/*', cookie: jar.header() } })
  t.equal(done.status, 303)
  t.equal(done.headers.get('location'), 'http://127.0.0.1:4000/')
})
