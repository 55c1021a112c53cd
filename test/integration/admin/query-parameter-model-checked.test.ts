import t from 'tap'
import { ADA, adminApp, adminCall, signIn } from '../../helpers/admin.js'

t.test('a query parameter whose schema is a model of its own (the courier\'s message status) is checked against it', async t => {
  const { app } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  t.equal((await adminCall(ada, 'GET', '/api/admin/courier/messages?status=queued')).statusCode, 200)
  const refused = await adminCall(ada, 'GET', '/api/admin/courier/messages?status=lost')
  t.equal(refused.statusCode, 400)
  t.match(refused.json().error.details.errors, [{ in: 'querystring', path: '/status' }])
})
