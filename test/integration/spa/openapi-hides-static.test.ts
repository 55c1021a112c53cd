import t from 'tap'
import { staticApp } from '../../helpers/static.js'

t.test('the static catch-all route is not part of the API description', async t => {
  const app = staticApp(t)
  const document = (await app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, unknown> }
  t.ok(Object.keys(document.paths).includes('/health/alive'), 'the document lists the API')
  // The mirror's own catch-all under /.ory is documented; the static one at / is not.
  t.notOk(Object.keys(document.paths).some(path => path === '/*' || path === '/{*}'), 'no catch-all at / in it')
})
