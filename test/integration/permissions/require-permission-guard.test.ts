import t from 'tap'
import { Browser } from '../../helpers/mirror.js'
import { ADA, GRACE, permissionsApp, signIn, subjectsOf } from '../../helpers/permissions.js'

t.test('requirePermission guards any route: 401 signed out, 403 without the relation, the handler only when allowed', async t => {
  const { app, ketoCalls } = await permissionsApp(t, {
    tuples: [{ namespace: 'Document', object: 'plans', relation: 'view', subject_id: ADA.id }],
    routes: app => {
      app.register(async documents => {
        documents.get('/api/test/documents/:id', {
          onRequest: app.requirePermission('Document', request => (request.params as { id: string }).id, 'view')
        }, async request => ({ id: (request.params as { id: string }).id, viewer: request.session?.identity?.id }))
      })
    }
  })
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)
  const anonymous = new Browser(app)
  const read = async (browser: Browser, id: string) => await browser.json('GET', `/api/test/documents/${id}`)

  let ok = await read(ada, 'plans')
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { id: 'plans', viewer: ADA.id }, 'the handler sees request.session')

  const denied = await read(grace, 'plans')
  t.equal(denied.statusCode, 403)
  t.equal(denied.json().error.id, 'permission_denied')
  t.equal(denied.json().error.code, 403)
  t.match(denied.json().error.reason, /"view" on Document:plans/)

  const other = await read(ada, 'secrets')
  t.equal(other.statusCode, 403, 'the object comes from the path parameter')

  const signedOut = await read(anonymous, 'plans')
  t.equal(signedOut.statusCode, 401)
  t.equal(signedOut.json().error.id, 'session_inactive')

  t.same(ketoCalls().map(call => `${new URL(call.url, 'http://k').searchParams.get('object')}:${subjectsOf(call)[0]}`),
    [`plans:${ADA.id}`, `plans:${GRACE.id}`, `secrets:${ADA.id}`], 'no call for the signed-out request')
  ok = await read(ada, 'plans')
  t.equal(ok.statusCode, 200)
})
