import t from 'tap'
import { ErrorGeneric, GenericErrorContent } from '../../../src/schemas/index.js'
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
