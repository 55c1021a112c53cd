import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// A form posted to a pass-through path (an OIDC callback with form_post, a SAML assertion) may carry a return_to
// too: it is checked against ALLOWED_RETURN_URLS like one in the query, never handed to Ory unchecked.
// Sent as a script's JSON call: without an Accept header a request counts as a browser navigation (Kratos
// x/isjsonrequest.go `IsBrowserRequest`), whose refusal goes to the error UI (see browser-refusal-redirects-to-error-ui.test.ts).

t.test('a return_to in a form posted to a pass-through path: refused off the allowlist, forwarded as parsed on it', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<html></html>')
  })
  const post = async (returnTo: string): Promise<LightMyRequestResponse> => await app.inject({
    method: 'POST',
    url: '/.ory/self-service/methods/oidc/callback/apple',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ code: 'c', state: 's', return_to: returnTo }).toString()
  })

  const refused = await post('https://evil.example/')
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { error: { id: 'self_service_flow_return_to_forbidden' } })
  t.equal(calls().length, 0, 'Ory never asked')

  const allowed = await post('/welcome')
  t.equal(allowed.statusCode, 200)
  t.equal(new URLSearchParams(calls()[0]!.body).get('return_to'), 'http://localhost:4000/welcome', 'as the browser\'s URL parser reads it')
})
