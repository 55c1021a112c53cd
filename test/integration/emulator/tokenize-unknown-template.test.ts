import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// Kratos' 400 for a template it does not know (driver/config/config.go, TokenizeTemplate); no session stays a 401.
emulatorTest('tokenize_as with an unknown template is a 400; without a session it is still a 401', async (t, emu) => {
  const { client } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const unknown = await oryError(t, frontend.toSession(client, { xSessionToken: token, tokenize_as: 'nope' }), 400)
  t.same(unknown.error, {
    code: 400,
    status: 'Bad Request',
    reason: 'Unable to find tokenizer template "nope".',
    message: 'The request was malformed or contained invalid parameters',
    request: unknown.error.request
  })
  const none = await oryError(t, frontend.toSession(client, { tokenize_as: 'jwt_example' }), 401)
  // session/handler.go `whoami`: the session is looked up first, and its absence is `ErrNoSessionFound` (no id).
  t.equal(none.error.reason, 'No valid session credentials found in the request.')
})
