import t from 'tap'
import { ContinueWith, discriminators, models, SettingsFlow, type ModelName } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { fixture } from '../../helpers/fixture.js'

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
