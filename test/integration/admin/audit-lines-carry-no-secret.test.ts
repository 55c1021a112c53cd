import t from 'tap'
import { ADA, adminApp, adminCall, GRACE, signIn } from '../../helpers/admin.js'
import { SPA_HEADERS } from '../../helpers/permissions.js'

t.test('one audit line per admin call (who, which operation, the ids it names, the status); no secret in any log line', async t => {
  const { app, logs, auditLines } = await adminApp(t)
  const ada = await signIn(t, app, ADA)
  const grace = await signIn(t, app, GRACE)
  const password = 'a password nobody may log 7f3a'

  const created = await adminCall(ada, 'POST', '/api/admin/identities', {
    schema_id: 'default',
    traits: { email: 'new@example.com', name: { first: 'N', last: 'E' } },
    credentials: { password: { config: { password } } }
  })
  t.equal(created.statusCode, 201)
  const newId = created.json().id as string

  const link = await adminCall(ada, 'POST', '/api/admin/recovery/link', { identity_id: newId })
  t.equal(link.statusCode, 200)
  const recoveryLink = link.json().recovery_link as string
  const code = await adminCall(ada, 'POST', '/api/admin/recovery/code', { identity_id: newId })
  t.equal(code.statusCode, 201)
  const recoveryCode = code.json().recovery_code as string
  const client = await adminCall(ada, 'POST', '/api/admin/clients', { client_name: 'back office', redirect_uris: ['https://app.example/cb'] })
  t.equal(client.statusCode, 201)
  const clientSecret = client.json().client_secret as string
  t.ok(recoveryLink.length > 0 && recoveryCode.length > 0 && clientSecret.length > 0, 'the secrets reached the SPA')

  t.equal((await adminCall(grace, 'GET', `/api/admin/identities/${newId}`)).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: '/api/admin/identities', headers: SPA_HEADERS })).statusCode, 401)
  t.equal((await adminCall(ada, 'DELETE', `/api/admin/identities/${newId}`, undefined, { 'ory-bff-confirm': 'deleteIdentity' })).statusCode, 204)

  const lines = auditLines()
  t.match(lines, [
    { level: 'info', name: 'audit', identity: ADA.id, operation: 'createIdentity', objects: { id: newId }, status: 201 },
    { identity: ADA.id, operation: 'createRecoveryLinkForIdentity', objects: { identity_id: newId }, status: 200 },
    { identity: ADA.id, operation: 'createRecoveryCodeForIdentity', objects: { identity_id: newId }, status: 201 },
    { identity: ADA.id, operation: 'createOAuth2Client', objects: { client_id: client.json().client_id }, status: 201 },
    { identity: GRACE.id, operation: 'getIdentity', objects: { id: newId }, status: 403 },
    { identity: null, operation: 'listIdentities', objects: {}, status: 401 },
    { identity: ADA.id, operation: 'deleteIdentity', objects: { id: newId }, status: 204 }
  ])
  t.equal(lines.length, 7, 'one line per call')
  t.ok(lines.every(line => typeof line.reqId === 'string'), 'each with its request id')
  const everything = logs.text()
  for (const [what, secret] of [['password', password], ['recovery link', recoveryLink], ['recovery code', recoveryCode], ['client secret', clientSecret], ['link token', new URL(recoveryLink).searchParams.get('token') ?? recoveryLink]] as const) {
    t.notOk(everything.includes(secret), `no ${what} in any log line`)
  }
})
