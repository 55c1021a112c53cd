import t from 'tap'
import Fastify from 'fastify'
import { models } from '../../../src/schemas/index.js'
import { formats } from '../../../src/schemas/formats.js'

// The way routes use the models: each registered once with addSchema, then referred to by `{ $ref: '<spec name>#' }`.
t.test('models registered with fastify.addSchema validate route bodies by $ref', async t => {
  const app = Fastify({
    ajv: {
      onCreate: ajv => {
        for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check)
      }
    }
  })
  t.teardown(async () => await app.close())
  for (const schema of Object.values(models)) app.addSchema(schema)
  app.post('/login', { schema: { body: { $ref: 'updateLoginFlowBody#' } } }, async request => ({ accepted: request.body }))
  app.post('/recovery', { schema: { body: { $ref: 'updateRecoveryFlowBody#' } } }, async () => ({ accepted: true }))
  await app.ready()

  const login = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', csrf_token: 'x' }
  const accepted = await app.inject({ method: 'POST', url: '/login', payload: login })
  t.equal(accepted.statusCode, 200, 'a password login is accepted')
  t.same(accepted.json(), { accepted: login }, 'and reaches the handler unchanged')

  const unknown = await app.inject({ method: 'POST', url: '/login', payload: { ...login, method: 'magic_link' } })
  t.equal(unknown.statusCode, 400, 'an unknown method is rejected')

  t.equal((await app.inject({ method: 'POST', url: '/recovery', payload: { method: 'code', email: 'maria.kowalski@example.com' } })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/recovery', payload: { method: 'link', code: '748302' } })).statusCode, 400, 'a code body tagged link is rejected')
})
