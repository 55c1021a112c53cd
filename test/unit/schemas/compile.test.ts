import t from 'tap'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DEFAULT_SPEC } from '../../../scripts/generate.js'
import { loadSpec } from '../../../scripts/lib/spec.js'
import { discriminators, ExpandedPermissionTree, LineItemV1, type ModelName, models } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'
import { Ajv } from 'ajv'
import { formats } from '../../../src/schemas/formats.js'

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

/** Registers every model with Ajv (addSchema, as Fastify does) and compiles each by `$ref`; the models that fail. */
function compileEveryModel (ajv: Ajv): string[] {
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, check)
  for (const schema of Object.values(models)) ajv.addSchema(schema)
  const failures: string[] = []
  for (const id of Object.keys(models)) {
    try {
      ajv.compile({ $ref: id })
    } catch (err) {
      failures.push(`${id}: ${(err as Error).message}`)
    }
  }
  return failures
}

// Fastify validates route schemas with Ajv 8. Registered once with addSchema and referred to by $ref, every model
// compiles, and Ajv judges real payloads as our validator does.
t.test('Ajv 8 (non-strict) compiles every model through addSchema and { $ref }', async t => {
  const ajv = new Ajv({ strict: false })
  const failures = compileEveryModel(ajv)
  t.same(failures, [], 'all 362 compile')
  t.equal(Object.keys(models).length, 362)

  const check = (id: string, value: unknown): string[] => {
    const validateRef = ajv.getSchema(id)
    if (validateRef === undefined) throw new Error(`${id} is not registered`)
    return validateRef(value) ? [] : (validateRef.errors ?? []).map(error => error.instancePath)
  }
  t.same(check('loginFlow', fixture('login-flow-browser.json')), [], 'the login flow fixture is valid')
  t.same(check('session', fixture('session.json')), [], 'the session fixture is valid')
  t.same(check('settingsFlow', fixture('settings-flow-continue-with.json')), [], 'the settings flow fixture is valid')
  t.same(check('oAuth2Client', fixture('oauth2-client.json')), [], 'the OAuth2 client fixture is valid')
  t.same(check('relationships', fixture('relationships.json')), [], 'the relationships fixture is valid')
  t.same(check('expandedPermissionTree', fixture('expanded-permission-tree.json')), [], 'the self-referencing tree is valid')

  const session = fixture('session.json')
  session.identity.id = 4711
  t.ok(check('session', session).includes('/identity/id'), 'a wrong session fails at /identity/id')
  t.same(check('NullTime', null), [], 'NullTime accepts null')
  t.not(ajv.getSchema('NullTime'), ajv.getSchema('nullTime'), 'NullTime and nullTime stay two schemas in Ajv')

  const login = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', csrf_token: 'x' }
  t.same(check('updateLoginFlowBody', login), [], 'a password login is accepted')
  t.not(check('updateLoginFlowBody', { ...login, method: 'magic_link' }).length, 0, 'an unknown method is not')
  t.not(check('updateRecoveryFlowBody', { method: 'link', code: '748302' }).length, 0, 'nor a code body tagged link')
})

// Ajv's defaults are strict: unknown keywords throw, and a keyword on a type it does not apply to is logged (Ory's
// spec puts `minimum` on the string page_token). Fastify keeps those defaults, so every model must compile without
// a throw and without a warning in its logs.
t.test("every model compiles under Ajv's default strict mode without a warning", async t => {
  const logged: string[] = []
  const logger = { log: () => {}, warn: (...args: unknown[]) => { logged.push(args.join(' ')) }, error: (...args: unknown[]) => { logged.push(args.join(' ')) } }
  const ajv = new Ajv({ logger })
  const failures = compileEveryModel(ajv)
  t.same(failures, [])
  t.same(logged, [])
})
