import t from 'tap'
import { randomUUID } from 'node:crypto'
import { mirrorOfEmulator } from '../../helpers/mirror.js'

// Error ids the mirror did not make are Ory's: the read goes to Ory and its answer comes back as it is.
t.test('an error id the mirror does not know is Ory\'s to answer', async t => {
  const { app, emu } = await mirrorOfEmulator(t)
  const unknown = randomUUID()
  const res = await app.inject({ url: `/.ory/self-service/errors?id=${unknown}`, headers: { accept: 'application/json' } })
  t.equal(res.statusCode, 404, 'the emulator\'s 404, as Kratos answers an unknown id')
  t.equal(res.json().error.code, 404)

  // One the emulator stored itself reads back through the mirror.
  const id = randomUUID()
  const at = Date.now()
  emu.state.errors.set(id, { id, error: { code: 500, status: 'Internal Server Error', message: 'from Ory' }, createdAt: at })
  const own = await app.inject({ url: `/.ory/self-service/errors?id=${id}`, headers: { accept: 'application/json' } })
  t.equal(own.statusCode, 200)
  t.equal(own.json().error.message, 'from Ory')
})
