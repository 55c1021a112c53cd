import { frontend } from '../../../src/ory/index.js'
import { emulatorTest, oryError } from '../../helpers/emulator.js'

// Kratos's listMySessions, deleteMySessions and deleteMySession (session/handler.go) answer a failed
// FetchFromRequest with herodot's ErrUnauthorized and the reason "No valid session cookie found.": no `error.id`
// (the `session_inactive` error is only wrapped), unlike whoami's "No valid session credentials found in the request.".
emulatorTest('listing or revoking my sessions without a session is 401 "No valid session cookie found.", without an error id', async (t, emu) => {
  const { client } = emu
  const check = async (label: string, call: Promise<unknown>): Promise<void> => {
    const body = await oryError(t, call, 401)
    t.same(body, {
      error: { code: 401, status: 'Unauthorized', request: body?.error?.request, reason: 'No valid session cookie found.', message: 'The request could not be authorized' }
    }, label)
    t.notOk('id' in (body?.error ?? {}), `${label}: no error.id`)
  }
  await check('GET /sessions', frontend.listMySessions(client))
  await check('DELETE /sessions', frontend.disableMyOtherSessions(client, { xSessionToken: 'ory_st_made_up' }))
  await check('DELETE /sessions/{id}', frontend.disableMySession(client, { id: '00000000-0000-4000-8000-000000000000', cookie: 'ory_kratos_session=forged' }))
})
