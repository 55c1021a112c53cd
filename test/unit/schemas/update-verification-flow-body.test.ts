import t from 'tap'
import { UpdateVerificationFlowBody, UpdateVerificationFlowWithCodeMethod } from '../../../src/schemas/index.js'
import { validate } from '../../../src/schemas/validator.js'
import { matchingBranches } from '../../helpers/union-branches.js'

// As in recovery, both verification branches declare `method` with `enum: [link, code]`; the generator pins each to
// its discriminator mapping value.
t.test('updateVerificationFlowBody selects its branch by method', async t => {
  t.test('{ method: code, email } and { method: code, code } are accepted, by the code branch alone', async t => {
    for (const body of [{ method: 'code', email: 'maria.kowalski@example.com' }, { method: 'code', code: '015233' }]) {
      t.same(validate(UpdateVerificationFlowBody, body), [])
      t.same(matchingBranches('updateVerificationFlowBody', body), ['updateVerificationFlowWithCodeMethod'])
    }
  })

  t.test('{ method: link, email } is accepted, by the link branch alone', async t => {
    const body = { method: 'link', email: 'maria.kowalski@example.com', csrf_token: 'x' }
    t.same(validate(UpdateVerificationFlowBody, body), [])
    t.same(matchingBranches('updateVerificationFlowBody', body), ['updateVerificationFlowWithLinkMethod'])
  })

  t.test('a code-shaped body tagged link is judged as a link body and rejected', async t => {
    const body = { method: 'link', code: '015233' }
    t.same(validate(UpdateVerificationFlowBody, body).map(issue => issue.path), ['/email', '/email'])
    t.same(validate(UpdateVerificationFlowWithCodeMethod, body).map(issue => issue.path), ['/method'])
  })

  t.test('an unknown method is rejected at /method', async t => {
    t.same(validate(UpdateVerificationFlowBody, { method: 'magic', email: 'maria.kowalski@example.com' }).map(issue => issue.path), ['/method'])
  })
})
