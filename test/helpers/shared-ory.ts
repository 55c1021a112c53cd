import type { Test } from 'tap'
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js'
import { createOryClient, type OryClient } from '../../src/ory/index.js'
import { PASSWORD_HASH_COST, PUBLIC_URL } from './config.js'
import { CookieJar, signInBrowser, signUpNative } from './emulator.js'

// One Ory (the emulator) that several BFFs share, as replicas do, counting the whoami calls they make between them:
// a session served from a replica's cache makes none.

export interface SharedOry {
  emu: RunningEmulator
  /** A client straight to the emulator. */
  client: OryClient
  /** How many whoami calls reached the emulator, from every BFF in front of it. */
  whoamiCalls: () => number
  /** A new user signed in through a browser flow: the jar holds the session cookie. */
  signIn: (email: string) => Promise<CookieJar>
}

/** The emulator and a client to it, both closed when the test ends. */
export async function startSharedOry (t: Test): Promise<SharedOry> {
  let whoami = 0
  const emu = await startEmulator({
    port: 0,
    uiUrl: PUBLIC_URL,
    passwordHashCost: PASSWORD_HASH_COST,
    onResponse: response => { if (response.route === '/sessions/whoami') whoami++ }
  })
  t.teardown(async () => await emu.close())
  const client = createOryClient({ url: emu.url, retry: false })
  t.teardown(async () => await client.close())
  return {
    emu,
    client,
    whoamiCalls: () => whoami,
    signIn: async email => {
      await signUpNative(client, email)
      const jar = new CookieJar()
      await signInBrowser(client, jar, email)
      return jar
    }
  }
}
