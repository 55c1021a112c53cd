import t from 'tap'
import { AcceptOAuth2ConsentRequest, ContinueWith, discriminators, ErrorGeneric, GenericErrorContent, Identity, IdentityTraits, JSONRawMessage, LoginFlow, type ModelName, models, NullBool, NullBoolLower, NullJsonRawMessage, NullTime, NullTimeLower, NullUUID, OAuth2Client, OAuth2ConsentRequest, Relationship, Relationships, Session, SettingsFlow, UiNode, UiNodeInputAttributes, UpdateLoginFlowBody } from '../../../src/schemas/index.js'
import { validate, type ValidationIssue } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'
import type { TSchema } from '@sinclair/typebox'

// Kratos answers an unknown flow id with herodot's not-found error (sqlcon.ErrNoRows): code, status, message and the
// request id, which the spec's genericErrorContent does not list but must not reject.
t.test("Ory's generic error body validates against errorGeneric", async t => {
  const body = fixture('error-generic.json')
  t.same(validate(ErrorGeneric, body), [])
  t.same(validate(GenericErrorContent, body.error), [])
  t.not(validate(ErrorGeneric, body.error).length, 0, 'the content alone, without the error envelope, is not an errorGeneric')
})

// Shaped after /sessions/whoami answers of Kratos and Ory Network (aal2 after password + TOTP).
t.test('a session with its identity, addresses, authentication methods and devices validates against session', async t => {
  const session = fixture('session.json')
  t.same(validate(Session, session), [], 'the whole session is valid')
  t.same(validate(Identity, session.identity), [], 'and its identity on its own')

  t.equal(session.authenticator_assurance_level, 'aal2')
  t.same(session.authentication_methods.map((m: { method: string }) => m.method), ['password', 'totp'])
  t.equal(session.identity.metadata_public, null, 'metadata_public is null, as Kratos sends it when unset')
  t.equal(session.identity.organization_id, null, 'organization_id is null outside an organization')
  t.ok(session.identity.verifiable_addresses.length > 0 && session.identity.recovery_addresses.length > 0)
  t.ok(session.devices.length > 0)
})

// Shaped after Kratos' own ui node snapshots (ui/node/.snapshots, selfservice/strategy/{totp,webauthn,lookup}/.snapshots).
t.test('a browser login flow with a ui node of every type validates against loginFlow', async t => {
  const flow = fixture('login-flow-browser.json')
  t.same(validate(LoginFlow, flow), [], 'the whole flow is valid')

  const nodes: Array<{ type: string, attributes: Record<string, unknown> }> = flow.ui.nodes
  t.same(new Set(nodes.map(node => node.type)), new Set(['input', 'text', 'img', 'a', 'script', 'div']), 'every node type is present')
  t.ok(nodes.some(node => node.attributes.name === 'csrf_token' && node.attributes.type === 'hidden' && typeof node.attributes.value === 'string'), 'with the csrf_token hidden input')
  t.ok(nodes.some(node => node.attributes.type === 'password'), 'a password input')
  t.ok(nodes.some(node => node.attributes.type === 'submit' && node.attributes.value === 'password'), 'and a submit button with its value')

  // Each node validates on its own, and its attributes through the branch its node_type selects (not by accident
  // through another branch of the union).
  const { mapping } = discriminators.uiNodeAttributes!
  for (const [index, node] of nodes.entries()) {
    t.same(validate(UiNode, node), [], `node ${index} (${node.type}) is a valid uiNode`)
    const branch = mapping[node.attributes.node_type as string] as ModelName
    t.equal(node.attributes.node_type, node.type, `node ${index}: attributes.node_type mirrors node.type`)
    t.same(validate(models[branch], node.attributes), [], `node ${index}: attributes are a valid ${branch}`)
  }
})

// After a profile update that changed the e-mail address, Kratos answers with the settings flow in state success and
// continue_with: a verification flow for the new address, then the return_to redirect.
t.test('a settings flow with continue_with validates, each item through the branch its action selects', async t => {
  const flow = fixture('settings-flow-continue-with.json')
  t.same(validate(SettingsFlow, flow), [], 'the whole flow is valid')

  const { propertyName, mapping } = discriminators.continueWith!
  t.equal(propertyName, 'action')
  const branches = [...new Set(Object.values(mapping))]
  const items: Array<{ action: string }> = flow.continue_with
  t.same(items.map(item => item.action), ['show_verification_ui', 'redirect_browser_to'])
  for (const item of items) {
    t.same(validate(ContinueWith, item), [], `${item.action} is a valid continueWith`)
    const matching = branches.filter(branch => validate(models[branch as ModelName], item).length === 0)
    t.same(matching, [mapping[item.action]], `${item.action} matches exactly its own branch`)
  }
})

// Shaped after Hydra's GET /admin/clients/{id} answers (client/.snapshots in ory/hydra): empty lists rather than
// missing ones, `jwks: {}`, `metadata: {}` and null token lifespans when none is set.
t.test('an OAuth2 client as Hydra returns it validates against oAuth2Client', async t => {
  const client = fixture('oauth2-client.json')
  t.same(validate(OAuth2Client, client), [])
  t.equal(client.authorization_code_grant_access_token_lifespan, null, 'unset lifespans are null')
  t.same(client.contacts, [], 'unset lists are empty')
  t.same(client.jwks, {}, 'and so is the key set')
})

// Shaped after Keto's GET /relation-tuples answers (ory/keto contrib/docs-code-samples).
t.test('a page of Keto relationships with subject ids and subject sets validates against relationships', async t => {
  const page = fixture('relationships.json')
  t.same(validate(Relationships, page), [])
  const tuples: Array<Record<string, unknown>> = page.relation_tuples
  t.ok(tuples.some(tuple => typeof tuple.subject_id === 'string'), 'a tuple with a subject_id')
  t.ok(tuples.some(tuple => typeof tuple.subject_set === 'object'), 'a tuple with a subject_set')
  for (const [index, tuple] of tuples.entries()) t.same(validate(Relationship, tuple), [], `tuple ${index} is a valid relationship`)
  t.type(page.next_page_token, 'string')
})

function paths (issues: ValidationIssue[]): string[] {
  return [...new Set(issues.map(issue => issue.path))]
}

function nodeIndex (flow: { ui: { nodes: Array<{ type: string }> } }, type: string): number {
  const index = flow.ui.nodes.findIndex(node => node.type === type)
  if (index < 0) throw new Error(`the fixture has no ${type} node`)
  return index
}

t.test('a wrong payload fails with a JSON Pointer to the offending value', async t => {
  t.test('a session whose identity.id is a number', async t => {
    const session = fixture('session.json')
    session.identity.id = 4711
    const issues = validate(Session, session)
    t.same(paths(issues), ['/identity/id'])
    t.match(issues[0]?.message, /string/)
  })

  t.test('a ui node whose attributes lack node_type: the issue is the missing tag, not "Expected union value"', async t => {
    const flow = fixture('login-flow-browser.json')
    const index = nodeIndex(flow, 'img')
    delete flow.ui.nodes[index].attributes.node_type
    const issues = validate(LoginFlow, flow)
    t.same(paths(issues), [`/ui/nodes/${index}/attributes/node_type`])
    t.match(issues[0]?.message, /required property node_type.*"img"/)
  })

  t.test('a ui node whose node_type is unknown', async t => {
    const flow = fixture('login-flow-browser.json')
    const index = nodeIndex(flow, 'div')
    flow.ui.nodes[index].attributes.node_type = 'iframe'
    const issues = validate(LoginFlow, flow)
    t.same(paths(issues), [`/ui/nodes/${index}/attributes/node_type`])
    t.match(issues[0]?.message, /one of/)
  })

  t.test('an img node without src: the issue is inside the branch node_type selects', async t => {
    const flow = fixture('login-flow-browser.json')
    const index = nodeIndex(flow, 'img')
    delete flow.ui.nodes[index].attributes.src
    t.same(paths(validate(LoginFlow, flow)), [`/ui/nodes/${index}/attributes/src`])
  })

  t.test('a continue_with item of a known action but the wrong shape', async t => {
    const flow = fixture('settings-flow-continue-with.json')
    flow.continue_with[0].flow.id = 'not-a-uuid'
    t.same(paths(validate(SettingsFlow, flow)), ['/continue_with/0/flow/id'])
  })

  t.test('a Keto subject set without its relation', async t => {
    const page = fixture('relationships.json')
    delete page.relation_tuples[1].subject_set.relation
    t.same(paths(validate(Relationships, page)), ['/relation_tuples/1/subject_set/relation'])
  })

  t.test('a nullable value of the wrong type: the issue is the non-null branch, not "Expected union value"', async t => {
    const client = fixture('oauth2-client.json')
    client.refresh_token_grant_access_token_lifespan = 3600
    const issues = validate(OAuth2Client, client)
    t.same(paths(issues), ['/refresh_token_grant_access_token_lifespan'])
    t.match(issues[0]?.message, /string/)
  })

  t.test('keys with / and ~ are escaped as RFC 6901 says', async t => {
    const flow = fixture('login-flow-browser.json')
    const index = nodeIndex(flow, 'div')
    flow.ui.nodes[index].attributes.data['size/~compact'] = 1
    t.same(paths(validate(LoginFlow, flow)), [`/ui/nodes/${index}/attributes/data/size~1~0compact`])
  })
})

// The spec's enums are incomplete in practice: Kratos sends error ids and authentication methods it does not list.
// validate() is strict about enums, which is what tests want; production code does not validate Ory's answers, so such
// bodies still reach the caller unchanged.
t.test('validate() rejects values an enum does not list', async t => {
  t.test("a real Kratos error whose id is missing from genericErrorContent's enum", async t => {
    const issues = validate(ErrorGeneric, fixture('error-session-inactive.json'))
    t.same(issues.map(issue => issue.path), ['/error/id'])
  })

  t.test('an authentication method the enum does not list (passkey)', async t => {
    const session = fixture('session.json')
    session.authentication_methods[0].method = 'passkey'
    t.same(validate(Session, session).map(issue => issue.path), ['/authentication_methods/0/method'])
  })

  t.test('an unknown assurance level, node group, input type and message type', async t => {
    const session = fixture('session.json')
    t.same(validate(Session, { ...session, authenticator_assurance_level: 'aal4' }).map(issue => issue.path), ['/authenticator_assurance_level'])

    const flow = fixture('login-flow-browser.json')
    flow.ui.nodes[0].group = 'magic'
    flow.ui.nodes[1].attributes.type = 'search'
    flow.ui.messages[0].type = 'warning'
    t.same(validate(LoginFlow, flow).map(issue => issue.path).sort(), ['/ui/messages/0/type', '/ui/nodes/0/group', '/ui/nodes/1/attributes/type'])
  })

  t.test('the values the enums do list are accepted', async t => {
    const session = fixture('session.json')
    for (const aal of ['aal0', 'aal1', 'aal2', 'aal3']) t.same(validate(Session, { ...session, authenticator_assurance_level: aal }), [], aal)
  })
})

t.test('nullable fields accept null', async t => {
  t.test('NullTime and nullTime, which differ only by case, are two models with their own $id', async t => {
    t.equal(NullTime.$id, 'NullTime')
    t.equal(NullTimeLower.$id, 'nullTime')
    t.equal(models.NullTime, NullTime)
    t.equal(models.nullTime, NullTimeLower)
    t.not(NullTime, NullTimeLower)
    t.same(validate(NullTime, null), [], 'NullTime (nullable: true) accepts null')
    t.same(validate(NullTime, '2025-03-04T08:43:02.131207Z'), [], 'and a date-time')
    t.same(validate(NullTimeLower, '2025-03-04T08:43:02.131207Z'), [], 'nullTime accepts a date-time')
    t.not(validate(NullTime, 'tomorrow').length, 0, 'neither accepts a string that is no date-time')
    t.not(validate(NullTimeLower, 'tomorrow').length, 0)
  })

  t.test('NullBool and nullBool likewise', async t => {
    t.equal(NullBool.$id, 'NullBool')
    t.equal(NullBoolLower.$id, 'nullBool')
    for (const schema of [NullBool, NullBoolLower]) {
      t.same(validate(schema, null), [])
      t.same(validate(schema, true), [])
      t.not(validate(schema, 'true').length, 0)
    }
  })

  t.test("an input node's value is null, a string, a number or a boolean", async t => {
    const attributes = { name: 'traits.age', type: 'number', disabled: false, node_type: 'input' }
    for (const value of [null, '', 'maria.kowalski@example.com', 0, 37.5, true, false]) {
      t.same(validate(UiNodeInputAttributes, { ...attributes, value }), [], JSON.stringify(value))
    }
  })

  t.test('organization_id (NullUUID) and metadata_public (nullJsonRawMessage) of an identity are null', async t => {
    const { identity } = fixture('session.json')
    t.same(validate(Identity, { ...identity, organization_id: null, metadata_public: null, metadata_admin: null }), [])
    t.same(validate(NullUUID, null), [])
    const flow = fixture('login-flow-browser.json')
    t.same(validate(LoginFlow, { ...flow, organization_id: null }), [])
  })

  t.test("an OAuth2 client's unset token lifespans (NullDuration) are null", async t => {
    const client = fixture('oauth2-client.json')
    const lifespans = Object.keys(client).filter(key => key.endsWith('_lifespan'))
    t.ok(lifespans.length >= 10)
    for (const key of lifespans) t.equal(client[key], null, key)
    t.same(validate(OAuth2Client, client), [])
  })

  t.test('a field that is not nullable rejects null', async t => {
    const { identity } = fixture('session.json')
    t.same(validate(Identity, { ...identity, schema_id: null }).map(issue => issue.path), ['/schema_id'])
  })
})

// Whatever an identity schema, a webhook or a login app puts there: nested objects, arrays, numbers, booleans, null.
const anything = {
  string: 'Kraków',
  number: 12.5,
  integer: -3,
  boolean: false,
  null: null,
  list: [1, 'two', { three: [3] }, null],
  nested: { deeper: { deepest: ['a', { b: true }] } },
  'key with spaces/and slashes': 'fine'
}

t.test('free-form values accept any JSON', async t => {
  t.test('identity traits are any JSON value (the identity schema, not the spec, decides)', async t => {
    for (const traits of [anything, { email: 'maria.kowalski@example.com' }, {}, 'a string', 42, [1, 2], true]) {
      t.same(validate(IdentityTraits, traits), [], JSON.stringify(traits))
    }
    const session = fixture('session.json')
    t.same(validate(Identity, { ...session.identity, traits: anything }), [], 'inside an identity too')
  })

  t.test('metadata_public and metadata_admin are any JSON object, or null', async t => {
    const { identity } = fixture('session.json')
    for (const metadata of [anything, {}, null]) {
      t.same(validate(NullJsonRawMessage, metadata), [])
      t.same(validate(Identity, { ...identity, metadata_public: metadata, metadata_admin: metadata }), [])
    }
  })

  t.test('transient_payload is any JSON object, on flows and on update bodies', async t => {
    const flow = fixture('login-flow-browser.json')
    t.same(validate(LoginFlow, { ...flow, transient_payload: anything }), [])
    const body = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', transient_payload: anything }
    t.same(validate(UpdateLoginFlowBody, body), [])
  })

  t.test('a JSONRawMessage-typed context is any JSON object', async t => {
    t.same(validate(JSONRawMessage, anything), [])
    t.same(validate(AcceptOAuth2ConsentRequest, { grant_scope: ['openid'], context: anything }), [])
    t.same(validate(OAuth2ConsentRequest, { challenge: 'b8a3c7f2e1d04a9b', context: anything }), [])
  })

  // Kratos' method schemas declare transient_payload an object (selfservice/strategy/*/.schema), so the BFF may
  // reject anything else before it reaches Ory.
  t.test('but a transient_payload is still an object', async t => {
    const body = { method: 'password', identifier: 'maria.kowalski@example.com', password: 'c0rrect-h0rse-battery', transient_payload: 'text' }
    t.same(validate(UpdateLoginFlowBody, body).map(issue => issue.path), ['/transient_payload'])
  })
})

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
