/**
 * Calls every operation of Ory's spec through the typed client against Stoplight Prism, an independent
 * implementation of the same spec. Prism answers a request whose path, parameters, body or credentials do not
 * conform with 400/401/422 instead of the operation's documented success status, so each call must come back
 * with a documented 2xx/3xx.
 *
 * Prism's answers are not checked against the models: its example generator ignores `pattern` (NullDuration) and
 * Ory's non-standard `uuid4` format (NullUUID), so its bodies are not valid instances of the spec. The models are
 * held to real Ory payloads in test/schemas instead.
 *
 * Prism is fed the same normalised document the generator uses (scripts/lib/spec.ts: each discriminated union
 * branch's tag pinned to its mapping value). Prism ignores `discriminator.mapping`, so on the raw document it would
 * reject valid update*Flow bodies that match several branches of a plain `oneOf`.
 */
import t from 'tap'
import { DEFAULT_SPEC } from '../../../scripts/generate.js'
import { listOperations, loadSpec, normalizeSpec, type OpenApiDocument } from '../../../scripts/lib/spec.js'
import { createOryClient, operations, OryUpstreamError, type OperationSpec } from '../../../src/ory/index.js'
import { startPrism } from '../../helpers/prism.js'
import { sample, type SchemaLike } from '../../helpers/sample.js'

const doc: OpenApiDocument = normalizeSpec(await loadSpec(DEFAULT_SPEC))
const resolve = (ref: string): SchemaLike => {
  const name = ref.replace('#/components/schemas/', '')
  const schema = doc.components.schemas[name]
  if (schema === undefined) throw new Error(`unknown schema ${ref}`)
  return schema as SchemaLike
}

const prism = await startPrism(doc)
t.teardown(prism.close)

const client = createOryClient({
  url: prism.url,
  consoleUrl: prism.url,
  apiKey: 'ory_pat_project_key',
  workspaceApiKey: 'ory_wak_workspace_key',
  retry: false
})
t.teardown(async () => await client.close())

const table = operations as Record<string, OperationSpec>
const specOperations = listOperations(doc)
t.equal(specOperations.length, Object.keys(table).length, 'the table has one entry per operation of the spec')

for (const { operation, parameters } of specOperations) {
  const op = table[operation.operationId]
  t.test(operation.operationId, async t => {
    if (op === undefined) return t.fail('no entry in the operation table')
    const params: Record<string, unknown> = {}
    for (const param of parameters) {
      if (param.required !== true) continue
      const key = op.params.find(p => p.name === param.name && p.in === param.in)?.key
      if (key === undefined) return t.fail(`parameter ${param.name} is missing from the table`)
      params[key] = sample((param.schema ?? { type: 'string' }) as SchemaLike, resolve)
    }
    const media = operation.requestBody?.content
    if (media !== undefined) {
      const schema = (media['application/json'] ?? Object.values(media)[0])?.schema
      if (schema !== undefined) params.body = sample(schema as SchemaLike, resolve)
    }
    const successes = Object.keys(op.responses).filter(status => /^[23]\d\d$/.test(status))
    // Prism answers the lowest documented 2xx; an operation documented with redirects only is asked for one.
    const headers: Record<string, string> = successes.some(s => s.startsWith('2')) ? {} : { prefer: `code=${successes[0]}` }
    try {
      const result = await client.call(op, params, {
        headers,
        auth: {
          sessionToken: 'ory_st_session',
          basic: { username: 'client id', password: 'secret:with/reserved chars' },
          bearer: 'registration-access-token',
          accessToken: 'ory_at_access'
        }
      })
      t.ok(successes.includes(String(result.status)), `answered with documented ${result.status}`)
      if (op.responses[String(result.status)] !== null) t.not(result.body, undefined, 'with a body')
    } catch (err) {
      const detail = err instanceof OryUpstreamError ? JSON.stringify(err.body) : String(err)
      t.fail(`${operation.operationId} was not accepted: ${detail}`)
    }
  })
}
