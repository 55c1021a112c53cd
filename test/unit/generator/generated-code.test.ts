import t from 'tap'
import { DEFAULT_SPEC, drift, generate } from '../../../scripts/generate.js'
import { groupOf } from '../../../scripts/lib/operations.js'
import { listOperations, loadSpec } from '../../../scripts/lib/spec.js'
import * as ory from '../../../src/ory/index.js'
import { models } from '../../../src/schemas/index.js'

t.test('the committed generated code is what the generator makes from the spec', async t => {
  const files = await generate(DEFAULT_SPEC)
  t.ok(files.size >= 16, 'models, operation table, index and 13 group modules')
  t.same(await drift(files), [], 'no generated file differs; run `npm run generate`')
})

const doc = await loadSpec(DEFAULT_SPEC)
const specOperations = listOperations(doc)
const specSchemas = Object.keys(doc.components.schemas)
const groups = ory as unknown as Record<string, Record<string, unknown>>

t.test('every operation of the spec has a client function in its group module', async t => {
  t.equal(specOperations.length, 146, "Ory's spec v1.21.6 has 146 operations")
  const missing = specOperations
    .filter(op => typeof groups[groupOf(op)]?.[op.operation.operationId] !== 'function')
    .map(op => `${groupOf(op)}.${op.operation.operationId}`)
  t.same(missing, [], 'no operation lacks a function')
  const groupNames = [...new Set(specOperations.map(groupOf))].sort()
  t.same(groupNames, ['courier', 'events', 'frontend', 'identity', 'jwk', 'metadata', 'oauth2', 'oidc', 'permission', 'project', 'relationship', 'wellknown', 'workspace'])
})

t.test('every schema of the spec has a model with its name as $id', async t => {
  t.equal(specSchemas.length, 362, "Ory's spec v1.21.6 has 362 schemas")
  const registry = models as Record<string, { $id?: string }>
  const missing = specSchemas.filter(name => registry[name]?.$id !== name)
  t.same(missing, [], 'no schema lacks a model')
  t.equal(Object.keys(registry).length, specSchemas.length, 'and there are no extra models')
})
