import t from 'tap'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

// Security regression: nothing below the prefix reaches Ory's admin API, the console's project, workspace or event
// APIs, or Keto, whatever the method; each is a 404 in Ory's shape and Ory never hears of it.
const paths = [
  '/admin/identities', '/admin/identities/1', '/admin/sessions', '/admin/courier/messages', '/admin/oauth2/clients', '/admin/relation-tuples',
  '/admin/recovery/code', '/projects', '/projects/p1', '/workspaces', '/workspaces/w1/projects', '/projects/p1/eventstreams',
  '/relation-tuples', '/relation-tuples/check', '/namespaces', '/oauth2/token', '/oauth2/revoke', '/health/alive', '/version',
  '/self-service/methods/oidc/callback', '/sessions/whoami/extra', '/schemas/a/b', '/.well-known/openid-configuration', '/userinfo', '/oauth2/auth'
]

t.test('admin, console, Keto and unknown paths are 404 without an upstream call', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, { leaked: true }), { ORY_API_KEY: 'ory_pat_project' })
  for (const path of paths) {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const res = await app.inject({ method, url: `/.ory${path}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: method === 'GET' ? undefined : 'a=b' })
      t.equal(res.statusCode, 404, `${method} /.ory${path}`)
      t.notOk(res.body.includes('leaked'))
    }
  }
  const res = await app.inject({ url: '/.ory/admin/identities' })
  t.match(res.json(), { error: { code: 404, status: 'Not Found', message: 'The requested resource could not be found', request: String } })
  t.equal(calls().length, 0, 'Ory never saw any of them')
})
