import t from 'tap'
import { Browser } from '../../helpers/mirror.js'
import { permissionsApp, spaPost } from '../../helpers/permissions.js'

t.test('the permission routes answer 401 in Ory\'s shape when nobody is signed in, without asking Keto', async t => {
  const { app, ketoCalls } = await permissionsApp(t)
  const anonymous = new Browser(app)
  const tuple = { namespace: 'Document', object: 'plans', relation: 'view' }
  for (const [url, body] of [['/api/permissions/check', tuple], ['/api/permissions/check/batch', { tuples: [tuple] }]] as const) {
    const res = await spaPost(anonymous, url, body)
    t.equal(res.statusCode, 401, url)
    t.equal(res.json().error.id, 'session_inactive')
    t.equal(res.json().error.code, 401)
  }
  const forged = await app.inject({
    method: 'POST',
    url: '/api/permissions/check',
    headers: { 'x-requested-with': 'XMLHttpRequest', 'content-type': 'application/json', cookie: 'ory_kratos_session=forged' },
    payload: JSON.stringify(tuple)
  })
  t.equal(forged.statusCode, 401, 'a cookie Ory does not know is no session')
  t.equal(ketoCalls().length, 0)
})
