import t, { type Test } from 'tap'
import { captureLogs, readyTestApp } from '../../helpers/app.js'
import { testConfig } from '../../helpers/config.js'

// Ory's `__Host-`/`__Secure-` cookies keep Secure over http, which browsers accept on http://localhost only: on any
// other plain-http origin they never set, and the start-up log says so instead of leaving sign-in to fail unexplained.

const PREFIXED = { ORY_COOKIE_PATTERN: '__Host-ory_session_*,csrf_token_*', LOG_LEVEL: 'warn' }

async function warnings (t: Test, env: Record<string, string>): Promise<string[]> {
  const logs = captureLogs()
  await readyTestApp(t, testConfig(env), { logStream: logs.stream })
  return logs.lines().filter(line => line.level === 'warn').map(line => String(line.msg))
}

t.test('prefixed Ory cookies and a plain-http origin other than localhost: a warning at start-up', async t => {
  const seen = await warnings(t, { ...PREFIXED, PUBLIC_URL: 'http://app.test:4000' })
  t.match(seen, [/__Secure-\/__Host- cookies need https or http:\/\/localhost/])
})

t.test('none on http://localhost, over https, or without prefixed cookies', async t => {
  for (const env of [
    { ...PREFIXED, PUBLIC_URL: 'http://localhost:4000' },
    { ...PREFIXED, PUBLIC_URL: 'http://127.0.0.1:4000' },
    { ...PREFIXED, PUBLIC_URL: 'https://app.test' },
    { LOG_LEVEL: 'warn', PUBLIC_URL: 'http://app.test:4000' }
  ]) {
    t.same((await warnings(t, env)).filter(msg => msg.includes('__Host-')), [], env.PUBLIC_URL)
  }
})
