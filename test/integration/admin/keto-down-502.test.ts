import t from 'tap'
import { ADA, adminApp, adminCall, KETO_POLICY, signIn } from '../../helpers/admin.js'

t.test('a Keto policy with Keto down: a 502 in Ory\'s shape, never a 500 nor a cached denial', async t => {
  const { app, setKetoDown } = await adminApp(t, { env: KETO_POLICY })
  const ada = await signIn(t, app, ADA)
  setKetoDown(true)
  const down = await adminCall(ada, 'GET', '/api/admin/version')
  t.equal(down.statusCode, 502)
  t.match(down.json(), { error: { code: 502, status: 'Bad Gateway', request: down.headers['x-request-id'] } })
  setKetoDown(false)
  t.equal((await adminCall(ada, 'GET', '/api/admin/version')).statusCode, 200, 'Keto back: let in, nothing of the failure kept')
})
