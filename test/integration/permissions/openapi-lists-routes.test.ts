import t from 'tap'
import { buildTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

t.test('/openapi.json lists the permission routes with their body and answer schemas', async t => {
  const app = buildTestApp(t, testConfig({ PERMISSION_BATCH_MAX: '7', LOAD_SHED_MAX_EVENT_LOOP_DELAY_MS: '0' }))
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json()
  const check = doc.paths['/api/permissions/check']?.post
  const batch = doc.paths['/api/permissions/check/batch']?.post
  t.ok(check, 'POST /api/permissions/check')
  t.ok(batch, 'POST /api/permissions/check/batch')
  t.match(JSON.stringify(check.requestBody), /PermissionCheckBody/)
  t.match(JSON.stringify(check.responses['200']), /PermissionCheckResult/)
  t.match(JSON.stringify(batch.requestBody), /PermissionBatchCheckBody/)
  const schemas = doc.components.schemas
  t.same(Object.keys(schemas.PermissionCheckBody.properties), ['namespace', 'object', 'relation'], 'no subject in the body')
  t.equal(schemas.PermissionCheckBody.additionalProperties, false)
  t.equal(schemas.PermissionBatchCheckBody.properties.tuples.maxItems, 7, 'the documented limit is PERMISSION_BATCH_MAX')
})
