import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

emulatorTest('native logout revokes the session token (204); unknown tokens get 403', async (t, emu) => {
  const { client } = emu
  const { token } = await signUpNative(client, 'ada@example.com')
  const other = await signUpNative(client, 'grace@example.com')

  const unknown = await oryError(t, frontend.performNativeLogout(client, { body: { session_token: 'ory_st_unknown' } }), 403)
  t.match(unknown.error.reason, /could not be found/)
  await oryError(t, frontend.performNativeLogout(client, { body: { session_token: '' } }), 400)

  const done = await frontend.performNativeLogout(client, { body: { session_token: token } })
  t.equal(done.status, 204)
  await oryError(t, frontend.toSession(client, { xSessionToken: token }), 401)
  t.equal((await frontend.toSession(client, { xSessionToken: other.token })).status, 200)
})
