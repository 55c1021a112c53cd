import t from 'tap'
import { Ajv } from 'ajv'
import { models } from '../../../src/schemas/index.js'
import { formats } from '../../../src/schemas/formats.js'
import { fixture } from '../../helpers/fixture.js'

// Fastify validates route schemas with Ajv 8. Registered once with addSchema and referred to by $ref, every model
// compiles, and Ajv judges real payloads as our validator does.
t.test('Ajv 8 (non-strict) compiles every model through addSchema and { $ref }', async t => {
  const ajv = new Ajv({ strict: false })
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
  t.same(failures, [])
  t.same(logged, [])
})
