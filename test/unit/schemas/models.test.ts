import t from 'tap'
import '../../../src/schemas/validator.js'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DEFAULT_SPEC } from '../../../scripts/generate.js'
import { loadSpec } from '../../../scripts/lib/spec.js'
import { discriminators, ExpandedPermissionTree, LineItemV1, type ModelName, models } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

const doc = await loadSpec(DEFAULT_SPEC)
const specNames = Object.keys(doc.components.schemas)

t.test('every model compiles and carries its spec name as a unique $id', async t => {
  const entries = Object.entries(models) as Array<[string, TSchema]>
  t.equal(entries.length, 362)
  t.same(entries.map(([name]) => name).sort(), [...specNames].sort(), 'the registry holds exactly the spec names')
  t.same(entries.filter(([name, schema]) => schema.$id !== name).map(([name]) => name), [], 'each $id is its spec name')
  const ids = entries.map(([, schema]) => schema.$id)
  t.equal(new Set(ids).size, ids.length, '$ids are unique (case matters: NullTime and nullTime are two)')

  const references = entries.map(([, schema]) => schema)
  const failures: string[] = []
  for (const [name, schema] of entries) {
    try {
      TypeCompiler.Compile(schema, references)
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`)
    }
  }
  t.same(failures, [], 'TypeBox compiles every model with the others as references')
})

// Ory's spec leaves the tag of most discriminated unions to discriminator.mapping, which JSON Schema validators
// ignore. normalizeSpec pins every branch's tag to its mapping value(s); this holds for every union of the spec.
t.test("every branch of every discriminated union requires its tag and accepts only the mapping's values for it", async t => {
  t.same(Object.keys(discriminators).sort(), [
    'continueWith', 'uiNodeAttributes', 'updateLoginFlowBody', 'updateRecoveryFlowBody',
    'updateRegistrationFlowBody', 'updateSettingsFlowBody', 'updateVerificationFlowBody'
  ])
  for (const [union, { propertyName, mapping }] of Object.entries(discriminators)) {
    const values = Object.keys(mapping)
    const refs = ((models[union as ModelName] as TSchema).anyOf as TSchema[]).map(variant => variant.$ref as string)
    t.same(new Set(refs), new Set(Object.values(mapping)), `${union}: the union's branches are the mapping's targets`)
    for (const branch of new Set(Object.values(mapping))) {
      const schema = models[branch] as TSchema
      t.ok((schema.required as string[]).includes(propertyName), `${branch} requires ${propertyName}`)
      const tag = schema.properties[propertyName] as TSchema
      const accepted = values.filter(value => validate(tag, value).length === 0)
      t.same(accepted, values.filter(value => mapping[value] === branch), `${branch}.${propertyName} accepts ${accepted.join(', ')} only`)
    }
  }
})

t.test('self-referencing models validate nested values at every depth', async t => {
  t.test("expandedPermissionTree: Keto's expand answer", async t => {
    const tree = fixture('expanded-permission-tree.json')
    t.same(validate(ExpandedPermissionTree, tree), [])
    t.equal(tree.children[0].children[1].type, 'leaf', 'the fixture nests three levels')

    tree.children[0].children[1].type = 'branch'
    tree.children[0].children[0].tuple.relation = 7
    t.same(validate(ExpandedPermissionTree, tree).map(issue => issue.path), [
      '/children/0/children/0/tuple/relation',
      '/children/0/children/1/type'
    ])
  })

  t.test('LineItemV1: an invoice line with sub-items', async t => {
    const line = {
      title: 'Ory Network Production',
      amount_in_cent: 77000,
      items: [
        { title: 'Base fee', amount_in_cent: 70000, quantity: 1, unit_price: '700.00' },
        {
          title: 'Daily active users',
          amount_in_cent: 7000,
          items: [{ title: 'DAU above included volume', quantity: 3500, unit_price: '0.02', amount_in_cent: 7000, items: [] }]
        }
      ]
    }
    t.same(validate(LineItemV1, line), [])
    const wrong = structuredClone(line)
    wrong.items[1]!.items![0]!.quantity = 1.5
    t.same(validate(LineItemV1, wrong).map(issue => issue.path), ['/items/1/items/0/quantity'])
  })
})
