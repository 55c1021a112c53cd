import t from 'tap'
import type { TSchema } from '@sinclair/typebox'
import { LoginFlow, models, OAuth2Client, Relationships, Session, SettingsFlow } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

// Ory adds fields between releases; a body from a newer Ory must still validate, at every depth.
t.test('unknown (newer) properties are accepted, never rejected', async t => {
  t.test('on a session, its identity, its addresses and its devices', async t => {
    const session = fixture('session.json')
    session.tokenized_at = '2025-03-04T08:43:02Z'
    session.identity.credentials_summary = { password: { configured: true } }
    session.identity.verifiable_addresses[0].last_sent_at = '2025-03-04T08:43:02Z'
    session.authentication_methods[1].device = { name: 'Authenticator' }
    session.devices[0].asn = 64496
    t.same(validate(Session, session), [])
  })

  t.test('on a login flow, its ui, its nodes, their attributes, meta and messages', async t => {
    const flow = fixture('login-flow-browser.json')
    flow.ui.layout = 'two-step'
    for (const node of flow.ui.nodes) {
      node.attributes.data_testid = `${String(node.type)}-node`
      node.meta.icon = 'key'
      node.position = 3
    }
    flow.ui.messages[0].severity = 'high'
    flow.captcha_required = true
    t.same(validate(LoginFlow, flow), [])
  })

  t.test('on a settings flow and its continue_with items', async t => {
    const flow = fixture('settings-flow-continue-with.json')
    flow.continue_with[0].flow.expires_at = '2025-03-04T09:53:11Z'
    flow.continue_with[1].status_code = 303
    t.same(validate(SettingsFlow, flow), [])
  })

  t.test('on an OAuth2 client and on Keto relationships', async t => {
    t.same(validate(OAuth2Client, { ...fixture('oauth2-client.json'), device_authorization_grant_verification_uri: 'https://example.com' }), [])
    const page = fixture('relationships.json')
    page.relation_tuples[0].commit_time = '2025-03-04T08:43:02Z'
    t.same(validate(Relationships, page), [])
  })

  t.test('no model forbids additional properties', async t => {
    const closed: string[] = []
    const visit = (schema: unknown, at: string): void => {
      if (schema === null || typeof schema !== 'object') return
      if ((schema as TSchema).additionalProperties === false) closed.push(at)
      for (const [key, value] of Object.entries(schema)) visit(value, `${at}/${key}`)
    }
    for (const [name, schema] of Object.entries(models)) visit(schema, name)
    t.same(closed, [])
  })
})
