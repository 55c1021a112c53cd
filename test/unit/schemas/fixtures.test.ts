import t from 'tap'
import { ContinueWith, discriminators, ErrorGeneric, GenericErrorContent, Identity, LoginFlow, type ModelName, models, OAuth2Client, Relationship, Relationships, Session, SettingsFlow, UiNode } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

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
