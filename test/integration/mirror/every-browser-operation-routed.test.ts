import t from 'tap'
import { operations, type OperationSpec } from '../../../src/ory/index.js'
import { mirroredOperations } from '../../../src/mirror/operations.js'
import { json } from '../../helpers/upstream.js'
import { mirrorOfUpstream } from '../../helpers/mirror.js'

const bodies: Record<string, unknown> = {
  performNativeLogoutBody: { session_token: 'ory_st_x' },
  UpdateFedcmFlowBody: { csrf_token: 'c', token: 't' },
  updateLoginFlowBody: { method: 'password', identifier: 'a', password: 'b' },
  updateRecoveryFlowBody: { method: 'code', email: 'a@example.com' },
  updateRegistrationFlowBody: { method: 'password', password: 'b', traits: {} },
  updateSettingsFlowBody: { method: 'password', password: 'b' },
  updateVerificationFlowBody: { method: 'code', email: 'a@example.com' }
}

t.test('the routes come from the operation table: every frontend operation and the identity schemas, nothing else', async t => {
  const expected = (Object.values(operations) as OperationSpec[])
    .filter(op => op.group === 'frontend' || op.operationId === 'listIdentitySchemas' || op.operationId === 'getIdentitySchema')
    .map(op => op.operationId).sort()
  t.same(mirroredOperations().map(op => op.operationId).sort(), expected)
  t.equal(expected.length, 34, 'the 32 frontend operations of Ory 1.21.6 and the two schema reads')
  t.notOk(mirroredOperations().some(op => op.path.startsWith('/admin')), 'no admin path among them')
})

t.test('each operation is reachable under the prefix and arrives at Ory as the spec describes it', async t => {
  const { app, calls } = await mirrorOfUpstream(t, (_req, res) => json(res, 200, { ok: true }))
  for (const op of mirroredOperations()) {
    const query = new URLSearchParams()
    for (const param of op.params) if (param.in === 'query' && param.required) query.set(param.name, 'v')
    const path = op.path.replace(/\{[^}]+\}/g, 'p-1')
    const model = (op.body?.schema as { $ref?: string } | undefined)?.$ref
    const res = await app.inject({
      method: op.method,
      url: `/.ory${path}${query.size > 0 ? `?${query}` : ''}`,
      headers: { accept: 'application/json' },
      ...(model === undefined ? {} : { payload: bodies[model] as Record<string, unknown> })
    })
    t.equal(res.statusCode, 200, `${op.operationId}: ${op.method} /.ory${path}`)
    const call = calls().at(-1)
    t.equal(call?.method, op.method, `${op.operationId} reached Ory with its method`)
    t.equal(call?.url.split('?')[0], path, `${op.operationId} reached Ory at ${path}`)
  }
  t.equal(calls().length, mirroredOperations().length, 'one upstream call per request')
})
