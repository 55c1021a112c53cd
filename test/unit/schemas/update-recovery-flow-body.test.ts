import t from 'tap'
import { UpdateRecoveryFlowBody, UpdateRecoveryFlowWithCodeMethod } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { matchingBranches } from '../../helpers/union-branches.js'

// Both recovery branches declare `method` with `enum: [link, code]`; only the discriminator mapping separates them,
// and the generator pins the code branch to "code" and the link branch to "link".
t.test('updateRecoveryFlowBody selects its branch by method', async t => {
  t.test('{ method: code, email } is accepted, by the code branch alone', async t => {
    const body = { method: 'code', email: 'maria.kowalski@example.com', csrf_token: 'x' }
    t.same(validate(UpdateRecoveryFlowBody, body), [])
    t.same(matchingBranches('updateRecoveryFlowBody', body), ['updateRecoveryFlowWithCodeMethod'])
  })

  t.test('{ method: link, email } is accepted, by the link branch alone', async t => {
    const body = { method: 'link', email: 'maria.kowalski@example.com', csrf_token: 'x' }
    t.same(validate(UpdateRecoveryFlowBody, body), [])
    t.same(matchingBranches('updateRecoveryFlowBody', body), ['updateRecoveryFlowWithLinkMethod'])
  })

  t.test('submitting the code is accepted as a code body', async t => {
    const body = { method: 'code', code: '748302', csrf_token: 'x' }
    t.same(matchingBranches('updateRecoveryFlowBody', body), ['updateRecoveryFlowWithCodeMethod'])
  })

  t.test('a code-shaped body tagged link is judged as a link body and rejected', async t => {
    const body = { method: 'link', code: '748302', csrf_token: 'x' }
    t.same(validate(UpdateRecoveryFlowBody, body).map(issue => issue.path), ['/email', '/email'], 'the link branch needs email')
    t.same(validate(UpdateRecoveryFlowWithCodeMethod, body).map(issue => issue.path), ['/method'], 'the code branch no longer takes method "link", which its own enum allows')
    t.same(matchingBranches('updateRecoveryFlowBody', body), [])
  })

  t.test('an unknown method is rejected at /method', async t => {
    t.same(validate(UpdateRecoveryFlowBody, { method: 'sms', email: 'maria.kowalski@example.com' }).map(issue => issue.path), ['/method'])
  })
})
