import t from 'tap'
import { DEVELOPMENT_ORY_URL } from '../../../src/config.js'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'

// Both tests start the server's own emulator, which listens at the fixed DEVELOPMENT_ORY_URL (127.0.0.1:4433): they
// share this file so that they never run side by side.

t.test('outside production with no ORY_URL the server starts the local emulator and is ready in front of it', async t => {
  const server = startServer({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const warning = await server.waitForLog(line => String(line.msg).includes('local Ory emulator'))
  t.equal(warning.level, 'warn', 'one loud line says the upstream is the emulator')
  const listening = await server.waitForLog(isListening)
  t.equal(listening.upstream, DEVELOPMENT_ORY_URL)
  await server.waitForLog(line => line.msg === 'upstream Ory is ready')

  const port = listeningPort(listening)
  const ready = await fetch(`http://127.0.0.1:${port}/health/ready`)
  t.equal(ready.status, 200, 'ready: the emulator answers the probe')
  const schemas = await fetch(`${DEVELOPMENT_ORY_URL}/schemas`)
  t.equal(schemas.status, 200, 'the emulator itself is at its documented address')
  t.equal(((await schemas.json()) as Array<{ id: string }>)[0]?.id, 'default')

  server.child.kill('SIGTERM')
  t.same(await server.exited, { code: 0, signal: null }, 'SIGTERM stops the server and the emulator')
  await t.rejects(fetch(`${DEVELOPMENT_ORY_URL}/schemas`), 'the emulator is gone with it')
})

// Kratos writes e-mail links on the base URL the browser used (x/http.go `CourierBaseURL`; Ory Network sets it from
// Ory-Base-URL-Rewrite). When the server starts the emulator, the browser reaches Kratos through the mirror, so the
// verification e-mail of a flow started there links to <PUBLIC_URL>/.ory, never to the emulator's 127.0.0.1:4433.
t.test('the emulator started by the server links its e-mails to <PUBLIC_URL>/.ory', async t => {
  const publicUrl = 'http://localhost:4999'
  const server = startServer({ PORT: '0', HOST: '127.0.0.1', PUBLIC_URL: publicUrl, LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0' })
  t.teardown(() => { server.child.kill('SIGKILL') })
  const port = listeningPort(await server.waitForLog(isListening))
  await server.waitForLog(line => line.msg === 'upstream Ory is ready')
  const mirror = `http://127.0.0.1:${port}/.ory`

  const created = await fetch(`${DEVELOPMENT_ORY_URL}/admin/identities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ schema_id: 'default', traits: { email: 'ada@example.com' } })
  })
  t.equal(created.status, 201)

  const started = await fetch(`${mirror}/self-service/verification/browser`, { headers: { accept: 'application/json' } })
  t.equal(started.status, 200)
  const cookie = started.headers.getSetCookie().map(c => c.split(';')[0]).join('; ')
  const flow = await started.json() as { id: string, ui: { nodes: Array<{ attributes: { name?: string, value?: unknown } }> } }
  const csrf = flow.ui.nodes.find(n => n.attributes.name === 'csrf_token')?.attributes.value
  const sent = await fetch(`${mirror}/self-service/verification?flow=${flow.id}`, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', cookie },
    body: JSON.stringify({ method: 'code', email: 'ada@example.com', csrf_token: csrf })
  })
  t.equal(sent.status, 200)

  const messages = await (await fetch(`${DEVELOPMENT_ORY_URL}/admin/courier/messages?recipient=ada%40example.com`, { headers: { accept: 'application/json' } })).json() as Array<{ body: string }>
  const link = /https?:\/\/\S+/.exec(messages[0]?.body ?? '')?.[0]
  t.equal(link?.startsWith(`${publicUrl}/.ory/self-service/verification?flow=${flow.id}&code=`), true, `the link is on the mirror: ${String(link)}`)

  server.child.kill('SIGTERM')
  await server.exited
})
