import { startEmulator } from '../src/emulator/index.js'
import type { Command } from './common.js'
import { failed, requiredEnv, send } from './common.js'
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_EMAIL } from './proxy-common.js'

// The OAuth2 provider of `npm run bench:proxy`: the local emulator's Hydra surface in a process of its own, with one
// confidential client for every relying party of the bench (its redirect URIs in BENCH_REDIRECT_URIS, a JSON list)
// and a test identity that /oauth2/auth signs in without a UI. Access tokens live an hour: no refresh in a run.

async function main (): Promise<void> {
  const emu = await startEmulator({
    port: 0,
    passwordHashCost: 1024,
    seed: { identities: [{ traits: { email: BENCH_EMAIL, name: { first: 'Ada', last: 'Lovelace' } } }] },
    oauth2TestIdentity: BENCH_EMAIL,
    oauth2AccessTokenTtlSeconds: 3600,
    oauth2Clients: [{
      client_id: BENCH_CLIENT_ID,
      client_secret: BENCH_CLIENT_SECRET,
      redirect_uris: JSON.parse(requiredEnv('BENCH_REDIRECT_URIS')) as string[],
      scope: 'openid offline_access email profile'
    }]
  })
  send({ type: 'ready', port: Number(new URL(emu.url).port) })
  process.on('message', (command: Command) => {
    if (command.type === 'exit') process.exit(0)
  })
  process.on('disconnect', () => process.exit(0))
}

main().catch(failed)
