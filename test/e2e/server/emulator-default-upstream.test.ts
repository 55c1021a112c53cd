import t from 'tap'
import { DEVELOPMENT_ORY_URL } from '../../../src/config.js'
import { isListening, listeningPort, startServer } from '../../helpers/process.js'

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
