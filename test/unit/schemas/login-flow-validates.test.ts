import t from 'tap'
import { discriminators, LoginFlow, models, UiNode, type ModelName } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

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
