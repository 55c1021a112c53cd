import t from 'tap'
import { mirrorOfEmulator } from '../../helpers/mirror.js'

// Kratos reads a request without Accept as a browser's (x/isjsonrequest.go `IsJSONRequest`, text/html by default) and
// answers a flow's init with a 303 to the UI. Through the mirror the same request must get the same answer, not the
// JSON that the BFF's Ory client would ask for by default; the mirror's own refusals read it the same way.
t.test('a flow init without Accept gets Kratos\'s redirect through the mirror', async t => {
  const { app } = await mirrorOfEmulator(t)
  const none = await app.inject({ url: '/.ory/self-service/login/browser' })
  t.equal(none.statusCode, 303, 'no Accept: a browser')
  t.match(none.headers.location, /\/login\?flow=[0-9a-f-]+$/)

  const json = await app.inject({ url: '/.ory/self-service/login/browser', headers: { accept: 'application/json' } })
  t.equal(json.statusCode, 200, 'Accept: application/json: the flow as JSON')
  t.match(json.json(), { id: String })
})
