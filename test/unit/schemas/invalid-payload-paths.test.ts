import t from 'tap'
import { LoginFlow, OAuth2Client, Relationships, Session, SettingsFlow } from '../../../src/schemas/index.js'
import { validate, type ValidationIssue } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

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
