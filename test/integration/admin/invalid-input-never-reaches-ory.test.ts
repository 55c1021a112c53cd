import { Kind, type TSchema } from '@sinclair/typebox'
import t from 'tap'
import { adminOperations, type AdminOperation } from '../../../src/admin/operations.js'
import { models } from '../../../src/schemas/generated/models.js'
import { ADA, adminApp, adminCall, adminRequestsOf, signIn } from '../../helpers/admin.js'

/** A path of the route with every path parameter filled in. */
function pathOf (entry: AdminOperation, values: Record<string, string> = {}): string {
  return entry.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? `some-${name}`))
}

/** A JSON body its schema refuses: an array for an object, an object for an array or a string. */
function wrongBody (schema: TSchema): unknown {
  const ref = (schema as { $ref?: string }).$ref
  const target = ref === undefined ? schema : (models as unknown as Record<string, TSchema>)[ref]!
  return target[Kind] === 'Object' ? ['not', 'an', 'object'] : { not: 'an array or a string' }
}

t.test('every admin route refuses a schema-invalid query, path and body with a 400 naming the part, before Ory hears of it', async t => {
  const { app, oryRequests } = await adminApp(t, { env: { ORY_WORKSPACE_API_KEY: 'ory_wak_test', ADMIN_RATE_LIMIT: '10000' } })
  const ada = await signIn(t, app, ADA)
  const all = adminOperations({ console: true })
  let cases = 0
  // Fastify checks the path, then the body, then the query: a query problem is reported when those pass, so the query
  // cases fill path parameters with allowed values and, where a body is required, are reported for the body first.
  const expectRefused = async (entry: AdminOperation, url: string, body: unknown, part: string): Promise<void> => {
    const res = await adminCall(ada, entry.op.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url, body, { 'ory-bff-confirm': entry.op.operationId })
    cases++
    t.equal(res.statusCode, 400, `${entry.op.operationId} ${part}: ${url}`)
    const reported = part === 'querystring' && entry.op.body?.required === true ? 'body' : part
    t.equal(res.json().error?.details?.errors?.[0]?.in, reported, `${entry.op.operationId}: the problem is in the ${reported}`)
  }
  const validPath = (entry: AdminOperation): string => pathOf(entry, Object.fromEntries(entry.op.params
    .filter(param => param.in === 'path' && param.schema[Kind] === 'Union')
    .map(param => [param.name, String((param.schema as TSchema & { anyOf: Array<{ const: unknown }> }).anyOf[0]!.const)])))
  for (const entry of all) {
    const { op } = entry
    await expectRefused(entry, `${validPath(entry)}?no_such_parameter=1`, undefined, 'querystring')
    for (const param of op.params.filter(param => param.in === 'query' && param.schema[Kind] === 'Integer')) {
      await expectRefused(entry, `${validPath(entry)}?${param.name}=twelve`, undefined, 'querystring')
    }
    for (const param of op.params.filter(param => param.in === 'path' && param.schema[Kind] === 'Union')) {
      await expectRefused(entry, pathOf(entry, { [param.name]: 'no-such-value' }), undefined, 'params')
    }
    if (op.body !== undefined) await expectRefused(entry, pathOf(entry), wrongBody(op.body.schema), 'body')
  }
  t.ok(cases > all.length, `${cases} refusals over ${all.length} routes`)
  t.same(adminRequestsOf(oryRequests()).map(request => request.url), [], 'none of them reached Ory')
})
