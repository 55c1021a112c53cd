import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

t.test('CORS headers are removed from every /api answer: the custom-header defence relies on preflights failing', async t => {
  const app = buildTestApp(t, testConfig({ PUBLIC_URL: 'https://app.example.com', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }))
  // As if a CORS plugin, added later for some other route, answered /api too.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('access-control-allow-origin', 'https://evil.example')
    reply.header('access-control-allow-credentials', 'true')
    reply.header('access-control-allow-headers', 'x-requested-with')
  })
  app.register(async api => {
    api.get('/api/test/read', async () => ({ ok: true }))
    api.options('/api/test/read', async (_request, reply) => await reply.code(204).send())
    api.get('/public/thing', async () => ({ ok: true }))
  })
  await app.ready()

  for (const method of ['GET', 'OPTIONS'] as const) {
    const res = await app.inject({ method, url: '/api/test/read', headers: { origin: 'https://evil.example' } })
    t.ok(res.statusCode < 300)
    for (const name of Object.keys(res.headers)) t.notMatch(name, /^access-control-/, `${method}: no ${name}`)
  }
  const other = await app.inject({ method: 'GET', url: '/public/thing' })
  t.equal(other.headers['access-control-allow-origin'], 'https://evil.example', 'routes outside /api are not the CSRF defence\'s business')
})
