import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// Fetching or submitting a settings flow without a session never reaches the flow (session/handler.go
// `IsAuthenticated` runs first): selfservice/flow/settings/strategy_helper.go `OnUnauthenticated` answers a JSON request
// with a 401 that has no id, and anything else with a 302 to the login UI (`RedirectOnUnauthenticated`). The API init
// has no handler of its own there and answers with `IsAuthenticated`'s `session_inactive`, reworded.
emulatorTest('settings without a session: 401 without id for JSON, 302 to the login UI otherwise', async (t, emu) => {
  const { client } = emu
  const ada = await signUpNative(client, 'ada@example.com')
  const flow = await frontend.createNativeSettingsFlow(client, { xSessionToken: ada.token })
  const unknown = '00000000-0000-4000-8000-000000000000'

  for (const id of [flow.body.id, unknown]) {
    const fetched = await oryError(t, frontend.getSettingsFlow(client, { id }, { headers: { accept: 'application/json' } }), 401)
    const expected = { code: 401, status: 'Unauthorized', reason: 'A valid Ory Session Cookie or Ory Session Token is missing.', message: 'The request could not be authorized' }
    t.same(fetched.error, { ...expected, request: fetched.error.request }, 'fetch, JSON: the flow is not even looked up')
    const submitted = await oryError(t, frontend.updateSettingsFlow(client, { flow: id, body: { method: 'profile', traits: { email: 'ada@example.com' } } }), 401)
    t.equal(submitted.error.id, undefined, 'submit, JSON body: 401 without id')
  }

  const page = await fetch(`${emu.url}/self-service/settings/flows?id=${flow.body.id}`, { redirect: 'manual', headers: { accept: 'text/html' } })
  t.equal(page.status, 302)
  t.equal(page.headers.get('location'), 'http://127.0.0.1:4000/login', 'a browser is sent to the login UI')
  const form = await fetch(`${emu.url}/self-service/settings?flow=${flow.body.id}`, {
    method: 'POST', redirect: 'manual', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: 'method=profile'
  })
  t.equal(form.status, 302)
  t.equal(form.headers.get('location'), 'http://127.0.0.1:4000/login')

  const native = await oryError(t, frontend.createNativeSettingsFlow(client), 401)
  t.equal(native.error.id, 'session_inactive')
  t.equal(native.error.reason, 'This endpoint can only be accessed with a valid session. Please log in and try again.')
})
