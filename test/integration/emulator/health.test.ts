import { metadata } from '../../../src/ory/index.js'
import { emulatorTest } from '../../helpers/emulator.js'

emulatorTest('health endpoints answer ok and the version names the emulator', async (t, emu) => {
  for (const path of ['/health/alive', '/health/ready']) {
    const response = await fetch(`${emu.url}${path}`)
    t.equal(response.status, 200)
    t.same(await response.json(), { status: 'ok' })
  }
  const version = await metadata.getVersion(emu.client)
  t.match(version.body.version, /emulator/)
  const missing = await fetch(`${emu.url}/no/such/route`)
  t.equal(missing.status, 404)
  t.match(await missing.json(), { error: { code: 404, status: 'Not Found' } })
})
