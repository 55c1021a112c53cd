import { courier, frontend, parseLinkHeader } from '../../../src/ory/index.js'
import { emulatorTest, oryError, signUpNative } from '../../helpers/emulator.js'

// Every code the emulator "sends" is a courier message, readable through the courier admin API, newest first.
emulatorTest('courier messages: listed newest first, filtered, paginated, fetched by id', async (t, emu) => {
  const { client } = emu
  await signUpNative(client, 'ada@example.com')
  await signUpNative(client, 'grace@example.com')
  const recovery = await frontend.createNativeRecoveryFlow(client)
  await frontend.updateRecoveryFlow(client, { flow: recovery.body.id, body: { method: 'code', email: 'ada@example.com' } })

  const all = await courier.listCourierMessages(client)
  t.same(all.body.map(m => [m.recipient, m.template_type]), [
    ['ada@example.com', 'recovery_code_valid'],
    ['grace@example.com', 'verification_code_valid'],
    ['ada@example.com', 'verification_code_valid']
  ])
  const message = all.body[0]!
  t.match(message, { type: 'email', status: 'sent', send_count: 1 })
  t.match(message.body, /\b\d{6}\b/, 'the code is in the body')
  t.equal(message.dispatches?.[0]?.status, 'success')

  t.equal((await courier.listCourierMessages(client, { recipient: 'grace@example.com' })).body.length, 1)
  t.equal((await courier.listCourierMessages(client, { status: 'queued' })).body.length, 0, 'all were sent at once')
  await oryError(t, courier.listCourierMessages(client, { status: 'lost' as 'sent' }), 400)

  const page = await courier.listCourierMessages(client, { page_size: 2 })
  t.equal(page.body.length, 2)
  const next = parseLinkHeader(page.headers.link).get('next')
  const rest = await courier.listCourierMessages(client, { page_size: 2, page_token: next?.params.page_token })
  t.same(rest.body.map(m => m.id), [all.body[2]!.id])

  t.same((await courier.getCourierMessage(client, { id: message.id })).body, message)
  await oryError(t, courier.getCourierMessage(client, { id: '00000000-0000-4000-8000-000000000000' }), 404)
})
