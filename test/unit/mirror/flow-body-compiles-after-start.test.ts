import t from 'tap'
import { compileFlowBodyValidators, FlowBodyValidator } from '../../../src/mirror/flow-body.js'

// Start-up does not wait for the compiler: a validator compiles its branches in the background warm-up the server
// starts once it listens, or for the first body that needs one, and judges a body the same way either way.
t.test('a validator judges bodies the same before and after the background warm-up', async t => {
  const bad = { method: 'password', identifier: 5 }
  const good = { method: 'password', identifier: 'a@example.com', password: 'x' }

  const first = new FlowBodyValidator('updateLoginFlowBody')
  const beforeWarmUp = first.validate(bad)
  t.match(beforeWarmUp, [{ path: '/identifier' }], 'the first body compiles its own branch')
  t.same(first.validate(good), [])

  const second = new FlowBodyValidator('updateLoginFlowBody')
  await compileFlowBodyValidators()
  t.same(second.validate(bad), beforeWarmUp)
  t.same(second.validate(good), [])
  t.match(second.validate({ method: 'pasword' }), [{ path: '/method' }])
})
