import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Security regression: normalisation tricks cannot turn an allowed path into another one on the way to Ory. Sent
// over a real socket, so that no client library tidies the path first.
// Sent as a script's JSON call: without an Accept header a request counts as a browser navigation (Kratos
// x/isjsonrequest.go `IsBrowserRequest`), whose refusal goes to the error UI (see browser-refusal-redirects-to-error-ui.test.ts).
const attempts = [
  '/.ory/self-service/../admin/identities',
  '/.ory/self-service/methods/oidc/callback/../../../../admin/identities',
  '/.ory/self-service/methods/oidc/callback/%2e%2e/%2e%2e/%2e%2e/%2e%2e/admin/identities',
  '/.ory/self-service/methods/oidc/callback/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fadmin%2Fidentities',
  '/.ory/self-service/methods/oidc/callback/google%2f..%2f..%2f..%2f..%2fadmin%2fidentities',
  '/.ory/self-service/methods/oidc/callback/..%5c..%5c..%5c..%5cadmin%5cidentities',
  '/.ory/self-service/methods/oidc/callback/google\\..\\..\\..\\..\\admin\\identities',
  '/.ory//admin/identities',
  '/.ory/./admin/identities',
  '/.ory/%2e/admin/identities',
  '/.ory/%2fadmin/identities',
  '/.ory/self-service/methods/saml/..;/..;/..;/admin/identities',
  '/.ory/self-service/methods/saml/acs/okta;/../../../../admin/identities',
  '/.ory/sessions/..%2F..%2Fadmin%2Fidentities',
  '/.ory/sessions/%2e%2e',
  '/.ory/schemas/..',
  '/.ory/schemas/.',
  '/.ory/sessions/whoami/../../admin/identities',
  '/.ory/self-service/recovery/../../admin/identities',
  '/.ory/.well-known/../admin/identities',
  '/.ory/self-service/methods/oidc/callback/google/../../../../../admin/identities',
  '/.ory/self-service/methods/oidc/callback/%252e%252e/admin'
]

async function send (port: number, method: string, path: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { accept: 'application/json' } }, res => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('dot segments, encoded dots and slashes, double slashes, backslashes and ; never leave the allowlist', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, { leaked: true }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  for (const path of attempts) {
    for (const method of ['GET', 'DELETE']) {
      const status = await send(port, method, path)
      t.ok(status === 404 || status === 400, `${method} ${path} → ${status}`)
    }
  }
  const reached = calls().map(call => call.url)
  t.notOk(reached.some(url => url.includes('admin')), `no admin path reached Ory: ${JSON.stringify(reached)}`)
  t.same(reached, [], 'nothing reached Ory at all')
})

t.test('the pass-through forwards exactly the path it checked', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => { res.writeHead(303, { location: 'http://localhost:4000/' }); res.end() })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  t.equal(await send(port, 'GET', '/.ory/self-service/methods/oidc/callback/google?code=abc&state=xyz'), 303)
  t.equal(calls()[0]?.url, '/self-service/methods/oidc/callback/google?code=abc&state=xyz')
})
