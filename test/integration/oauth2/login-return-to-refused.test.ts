import t from 'tap'
import { assertOryError, PUBLIC_URL, startLogin, startOAuth2Bff } from '../../helpers/oauth2.js'

// /api/oauth2/login's return_to is where the callback sends the browser: an open redirect if it may point anywhere.
// Everything outside ALLOWED_RETURN_URLS is a 400 in Ory's shape, before any redirect and before any cookie.

const ATTACKS = [
  'https://evil.example/',
  '//evil.example',
  '/\\evil.example',
  'javascript:alert(1)',
  'https://localhost:4000@evil.example',
  'http://localhost:4000@evil.example/',
  'https://app.example/elsewhere',
  '/%2F%2Fevil.example',
  '%2F%2Fevil.example',
  'http://localhost:4001/',
  'http://localhost:4000/outside',
  'https:evil.example',
  '/\t/evil.example'
]

t.test('return_to outside ALLOWED_RETURN_URLS: 400, no redirect, no cookie', async t => {
  const bff = await startOAuth2Bff(t, { env: { ALLOWED_RETURN_URLS: `${PUBLIC_URL}/app` } })
  for (const returnTo of ATTACKS) {
    await t.test(JSON.stringify(returnTo), async t => {
      const response = await bff.app.inject({ method: 'GET', url: `/api/oauth2/login?return_to=${encodeURIComponent(returnTo)}` })
      assertOryError(t, response, 400)
      t.equal(response.headers.location, undefined, 'no redirect')
      t.equal(response.headers['set-cookie'], undefined, 'no cookie')
    })
  }
  // The allowed URL itself, and a path under it, still work.
  for (const returnTo of [`${PUBLIC_URL}/app`, `${PUBLIC_URL}/app/orders?x=1`, '/app/#/home']) {
    const login = await startLogin(bff, `?return_to=${encodeURIComponent(returnTo)}`)
    t.equal(login.location.origin, bff.emu.url, `${returnTo}: to the provider`)
  }
  t.equal(bff.emu.ctx.oauth2.codes.size, 0, 'the provider was never reached for a refused login')
})

t.test('prompt: an unknown value is a 400; each allowed one reaches the authorize URL', async t => {
  const bff = await startOAuth2Bff(t)
  for (const prompt of ['bogus', 'none login', '', 'select_account']) {
    const response = await bff.app.inject({ method: 'GET', url: `/api/oauth2/login?prompt=${encodeURIComponent(prompt)}` })
    assertOryError(t, response, 400)
    t.equal(response.headers.location, undefined, `${JSON.stringify(prompt)}: no redirect`)
    t.equal(response.headers['set-cookie'], undefined, `${JSON.stringify(prompt)}: no cookie`)
  }
  for (const prompt of ['login', 'consent', 'none', 'registration']) {
    const login = await startLogin(bff, `?prompt=${prompt}`)
    t.equal(login.location.searchParams.get('prompt'), prompt, `prompt=${prompt} is passed on`)
  }
  const plain = await startLogin(bff)
  t.equal(plain.location.searchParams.get('prompt'), null, 'no prompt unless asked')
  const extra = await bff.app.inject({ method: 'GET', url: '/api/oauth2/login?redirect_uri=https%3A%2F%2Fevil.example%2F' })
  assertOryError(t, extra, 400)
})
