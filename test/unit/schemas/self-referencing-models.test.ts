import t from 'tap'
import { ExpandedPermissionTree, LineItemV1 } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

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
