import { frontend } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

// Kratos' settings handler (selfservice/flow/settings/handler.go, RegisterPublicRoutes) sends a signed-out browser to
// its own login init, `<public>/self-service/login/browser`, carrying the request's return_to over
// (x/redir/secure_redirect.go, TakeOverReturnToParameter); not to the login UI.
emulatorTest('settings init without a session: a browser is sent to the login init, return_to carried over', async (t, emu) => {
  const { client } = emu
  const plain = await frontend.createBrowserSettingsFlow(client, {}, { headers: { accept: HTML } })
  t.equal(plain.status, 303)
  t.equal(plain.headers.location, `${emu.baseUrl}/self-service/login/browser`)

  const returnTo = 'http://127.0.0.1:4000/account?tab=security'
  const carried = await frontend.createBrowserSettingsFlow(client, { return_to: returnTo }, { headers: { accept: HTML } })
  t.equal(carried.status, 303)
  const location = new URL(String(carried.headers.location))
  t.equal(`${location.origin}${location.pathname}`, `${emu.baseUrl}/self-service/login/browser`)
  t.equal(location.searchParams.get('return_to'), returnTo, 'the return_to it was given, not the settings URL')
})
