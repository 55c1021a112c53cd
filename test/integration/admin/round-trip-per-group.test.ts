import t from 'tap'
import { ADA, adminApp, adminCall, GRACE, signIn } from '../../helpers/admin.js'

// One round trip per admin group of the project API, through the BFF to the emulator and back; the emulator checks
// each of its answers against the spec's model.

t.test('identity, courier, jwk, oauth2, relationship, permission and metadata: one round trip each', async t => {
  const { app } = await adminApp(t, { env: { ADMIN_RATE_LIMIT: '1000' } })
  const ada = await signIn(t, app, ADA)

  await t.test('identity', async t => {
    const created = await adminCall(ada, 'POST', '/api/admin/identities', { schema_id: 'default', traits: { email: 'rt@example.com', name: { first: 'R', last: 'T' } } })
    t.equal(created.statusCode, 201)
    const got = await adminCall(ada, 'GET', `/api/admin/identities/${created.json().id as string}`)
    t.equal(got.statusCode, 200)
    t.equal(got.json().traits.email, 'rt@example.com')
  })

  await t.test('courier', async t => {
    const code = await adminCall(ada, 'POST', '/api/admin/recovery/code', { identity_id: GRACE.id })
    t.equal(code.statusCode, 201)
    const messages = await adminCall(ada, 'GET', '/api/admin/courier/messages')
    t.equal(messages.statusCode, 200)
    t.type(messages.json(), Array)
  })

  await t.test('jwk', async t => {
    const created = await adminCall(ada, 'POST', '/api/admin/keys/back-office', { alg: 'ES256', kid: 'k1', use: 'sig' })
    t.equal(created.statusCode, 201)
    const set = await adminCall(ada, 'GET', '/api/admin/keys/back-office')
    t.equal(set.statusCode, 200)
    t.equal(set.json().keys[0].kid, 'k1')
    t.equal((await adminCall(ada, 'DELETE', '/api/admin/keys/back-office', undefined, { 'ory-bff-confirm': 'deleteJsonWebKeySet' })).statusCode, 204)
  })

  await t.test('oauth2', async t => {
    const created = await adminCall(ada, 'POST', '/api/admin/clients', { client_name: 'reports', redirect_uris: ['https://app.example/cb'] })
    t.equal(created.statusCode, 201)
    const id = created.json().client_id as string
    const got = await adminCall(ada, 'GET', `/api/admin/clients/${id}`)
    t.equal(got.statusCode, 200)
    t.equal(got.json().client_name, 'reports')
    t.notOk('client_secret' in got.json(), 'the secret only in the create answer, as Hydra does')
    t.equal((await adminCall(ada, 'DELETE', `/api/admin/clients/${id}`, undefined, { 'ory-bff-confirm': 'deleteOAuth2Client' })).statusCode, 204)
  })

  await t.test('relationship', async t => {
    const tuple = { namespace: 'Document', object: 'd1', relation: 'view', subject_id: GRACE.id }
    const created = await adminCall(ada, 'PUT', '/api/admin/relation-tuples', tuple)
    t.equal(created.statusCode, 201)
    t.match(created.headers.location, /^\/api\/admin\/relation-tuples\?/, 'Location points at the admin route')
    const listed = await adminCall(ada, 'GET', '/api/admin/relation-tuples?namespace=Document&object=d1')
    t.equal(listed.statusCode, 200)
    t.match(listed.json().relation_tuples, [tuple])
    const syntax = await adminCall(ada, 'POST', '/api/admin/opl/syntax/check', 'class Document implements Namespace {}')
    t.equal(syntax.statusCode, 200)
    t.same(syntax.json().errors ?? [], [])
  })

  await t.test('permission, for any subject', async t => {
    await adminCall(ada, 'PUT', '/api/admin/relation-tuples', { namespace: 'Document', object: 'd2', relation: 'view', subject_id: GRACE.id })
    const checked = await adminCall(ada, 'GET', `/api/admin/relation-tuples/check/openapi?namespace=Document&object=d2&relation=view&subject_id=${GRACE.id}`)
    t.equal(checked.statusCode, 200)
    t.same(checked.json(), { allowed: true }, 'Grace\'s permission, asked by an admin')
  })

  await t.test('metadata', async t => {
    const version = await adminCall(ada, 'GET', '/api/admin/version')
    t.equal(version.statusCode, 200)
    t.match(version.json(), { version: String })
  })
})
