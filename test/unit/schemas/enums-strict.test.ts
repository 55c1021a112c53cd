import t from 'tap'
import { ErrorGeneric, LoginFlow, Session } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

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
