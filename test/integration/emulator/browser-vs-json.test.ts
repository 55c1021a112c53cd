import { frontend } from '../../../src/ory/index.js'
import { CookieJar, csrfToken, emulatorTest, PASSWORD, queryOf, signUpNative } from '../../helpers/emulator.js'

// Kratos answers a browser navigating (Accept: text/html, fetch's */*, or no Accept) with 303 redirects and an AJAX
// call (Accept: application/json) with JSON: x/isjsonrequest.go `IsJSONRequest` offers text/html, text/* and */*
// before application/json.
emulatorTest('browsers get 303 redirects, AJAX calls get 200 JSON', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')

  const navigating = await frontend.createBrowserLoginFlow(client, {}, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } })
  t.equal(navigating.status, 303)
  t.equal(navigating.body, undefined)
  t.match(String(navigating.headers.location), /^http:\/\/127\.0\.0\.1:4000\/login\?flow=[0-9a-f-]{36}$/)

  const fetchDefault = await frontend.createBrowserLoginFlow(client, {}, { headers: { accept: '*/*' } })
  t.equal(fetchDefault.status, 303, 'fetch()\'s default Accept is a browser, as in Kratos (x/isjsonrequest.go `IsJSONRequest`)')
  const json = await frontend.createBrowserLoginFlow(client)
  t.equal(json.status, 200)
  if (json.status !== 200) return
  t.equal(json.body.type, 'browser')

  const raw = await fetch(`${emu.url}/self-service/registration/browser`, { redirect: 'manual', headers: { accept: '' } })
  t.equal(raw.status, 303, 'no Accept at all: a redirect')

  // Submitting: JSON → 200 with the session and where to send the browser; form → 303 there.
  const jar = new CookieJar()
  jar.store(json.headers['set-cookie'])
  const ajax = await frontend.updateLoginFlow(client, {
    flow: json.body.id, cookie: jar.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(json.body) }
  })
  t.equal(ajax.status, 200)
  if (ajax.status !== 200) return
  t.same(ajax.body.continue_with, [{ action: 'redirect_browser_to', redirect_browser_to: 'http://127.0.0.1:4000/' }])
  t.ok((ajax.headers['set-cookie'] as string[]).some(c => c.startsWith('ory_kratos_session=')))

  const jar2 = new CookieJar()
  const second = await frontend.createBrowserLoginFlow(client)
  if (second.status !== 200) return
  jar2.store(second.headers['set-cookie'])
  const form = await frontend.updateLoginFlow(client, {
    flow: second.body.id, cookie: jar2.header(), body: { method: 'password', identifier: 'ada@example.com', password: PASSWORD, csrf_token: csrfToken(second.body) }
  }, { bodyType: 'form', headers: { accept: 'text/html' } })
  t.equal(form.status, 303)
  t.equal(form.headers.location, 'http://127.0.0.1:4000/')
  t.ok((form.headers['set-cookie'] as string[]).some(c => c.startsWith('ory_kratos_session=')))
  t.equal(queryOf(navigating.headers.location, 'flow')?.length, 36)
})
