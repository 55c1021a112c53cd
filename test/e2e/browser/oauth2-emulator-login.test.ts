import t from 'tap'
import { startEmulator } from '../../../src/emulator/index.js'
import {
  documentCookie, freeOrigin, openBrowser, pageFetch, recordResponses, signUpInSpa, startBearerApi, startSpawnedBff, type SeenResponse
} from '../../helpers/browser.js'
import { PASSWORD_HASH_COST } from '../../helpers/config.js'

// The development default of src/server.ts, in a real Chromium: the BFF is a confidential OAuth2 client of the local
// emulator, whose authorize and end-session endpoints the browser reaches through the BFF's mirror (/.ory, where
// its Kratos session cookie lives). The emulator runs in this process on a port of its own (the server's own
// emulator is fixed at 127.0.0.1:4433, which tests running side by side cannot share), with the client
// src/server.ts would register, so that the tokens it issues are known here and can be looked for in what the browser
// received.

const CLIENT_ID = 'ory-bff-development'
const CLIENT_SECRET = 'a-client-secret-of-this-test-0123456789'
const COOKIE_SECRET = 'a-cookie-secret-of-this-test-0123456789abcdef'
const ACCOUNT = { email: 'grace@example.com', password: 'correct horse battery staple 42', first: 'Grace', last: 'Hopper' }

t.test('the example SPA signs in with OAuth2 through the emulator, calls an API with the token and signs out, and no token reaches the page', async t => {
  const origin = await freeOrigin()
  const emulator = await startEmulator({
    port: 0,
    uiUrl: origin,
    allowedReturnUrls: [origin],
    passwordHashCost: PASSWORD_HASH_COST,
    oauth2BrowserUrl: `${origin}/.ory`,
    oauth2Clients: [{
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: [`${origin}/api/oauth2/callback`],
      post_logout_redirect_uris: [`${origin}/`],
      scope: 'openid offline_access email profile'
    }]
  })
  t.teardown(async () => await emulator.close())
  const api = await startBearerApi(t)
  await startSpawnedBff(t, origin, {
    ORY_URL: emulator.url,
    OAUTH2_CLIENT_ID: CLIENT_ID,
    OAUTH2_CLIENT_SECRET: CLIENT_SECRET,
    COOKIE_SECRET,
    HYDRA_PUBLIC_PATHS: 'true',
    API_ROUTES: JSON.stringify({ hello: { url: api.url, methods: ['GET'], token: 'oauth2' } })
  })
  const { page, problems, requests } = await openBrowser(t)
  const seen = await recordResponses(page, origin)
  const cookies: string[] = []
  const readCookie = async (): Promise<void> => { cookies.push(await documentCookie(page)) }

  await t.test('sign up in the SPA: a Kratos session through /.ory', async t => {
    await signUpInSpa(page, origin, ACCOUNT)
    await readCookie()
    t.equal(emulator.state.identities.size, 1, 'one identity in Ory')
  })
  const [identityId] = emulator.state.identities.keys()

  await t.test('"Sign in with OAuth2" goes through the mirror\'s authorize endpoint and comes back signed in', async t => {
    await page.click('nav a[data-route="oauth2"]')
    await page.locator('#oauth2-status').filter({ hasText: 'You are not signed in with OAuth2.' }).waitFor()
    await readCookie()
    await page.click('#oauth2-login')
    await page.locator('#oauth2-sub').waitFor()
    t.equal(page.url(), `${origin}/#/oauth2`, 'back on the page the login started from')
    t.equal(await page.locator('#oauth2-sub').textContent(), identityId, 'the subject is the Kratos identity')
    // The development default asks for OAUTH2_SCOPES' default, `openid offline_access`: no email or profile claims.
    t.ok(requests.some(url => url.startsWith(`${origin}/.ory/oauth2/auth?`)), 'the browser went to the authorize endpoint through /.ory')
    t.ok(requests.some(url => url.startsWith(`${origin}/api/oauth2/callback?`)), 'and came back to the callback')
    t.notOk(requests.some(url => url.includes('/self-service/login/browser')), 'the Kratos session was the login: no login form on the way')
    t.equal(emulator.ctx.oauth2.accessTokens.size, 1, 'the emulator issued one access token')
    await readCookie()
  })

  await t.test('the API is called with the user\'s access token, which the page never sees', async t => {
    await page.fill('#proxy-path', '/api/proxy/hello/hello')
    await page.click('#proxy-call')
    const result = page.locator('#proxy-result')
    await result.filter({ hasText: '"authorized": true' }).waitFor()
    t.match(await result.textContent(), /^200\n/, 'the proxy answered 200')
    t.same(JSON.parse((await result.textContent())!.replace(/^200\n/, '')), { ok: true, authorized: true }, 'the API\'s answer, as the page shows it')
    const [accessToken] = emulator.ctx.oauth2.accessTokens.keys()
    t.same(api.authorizations, [`Bearer ${accessToken}`], 'the API received the emulator\'s access token')
    await readCookie()
  })

  let logoutUrl: URL | undefined
  await t.test('"Sign out of OAuth2" goes to the end-session endpoint through the mirror and back', async t => {
    const endSession = page.waitForRequest(request => request.url().startsWith(`${origin}/.ory/oauth2/sessions/logout?`))
    await page.click('#oauth2-logout')
    logoutUrl = new URL((await endSession).url())
    const answer = seen.responses.find(response => response.url === `${origin}/api/oauth2/logout`)
    t.equal(answer?.status, 200, '/api/oauth2/logout answered')
    t.same(JSON.parse(answer?.body ?? '{}'), { logout_url: `${origin}/api/oauth2/end-session` }, 'the page is sent to the BFF\'s end-session redirect')
    t.equal(logoutUrl.searchParams.get('post_logout_redirect_uri'), `${origin}/`, 'the end-session endpoint, through the mirror, and back to PUBLIC_URL')
    await page.waitForURL(`${origin}/`)
    await page.locator('#whoami-status').filter({ hasText: 'You are not signed in.' }).waitFor()
    t.pass('the end-session endpoint ended the Kratos session too')
    await readCookie()
    const user = await pageFetch(page, '/api/oauth2/user')
    t.equal(user.status, 401, '/api/oauth2/user: signed out')
    await page.click('nav a[data-route="oauth2"]')
    await page.locator('#oauth2-status').filter({ hasText: 'You are not signed in with OAuth2.' }).waitFor()
  })

  await t.test('no token was ever in what the browser received, nor in document.cookie', async t => {
    await seen.settled()
    const oauth2 = emulator.ctx.oauth2
    const accessTokens = [...oauth2.accessTokens.keys()]
    const refreshTokens = [...oauth2.refreshTokens.keys()]
    t.ok(accessTokens.length === 1 && refreshTokens.length === 1, 'one access and one refresh token were issued')
    // RP-initiated logout (OIDC §2) takes the ID token as id_token_hint: the BFF's end-session route sends it in a
    // redirect, a navigation's Location that the page cannot read. It is in no body, and in no other header.
    const idToken = logoutUrl?.searchParams.get('id_token_hint') ?? undefined
    t.match(idToken, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'the end-session request carries the ID token as its hint')
    const logoutResponse = (response: { url: string }): boolean => response.url.startsWith(`${origin}/api/oauth2/end-session`)
    t.ok(seen.responses.some(response => response.url.startsWith(`${origin}/api/oauth2/user`)), 'the responses were recorded')
    t.same(seen.responses.filter(response => response.unread).map(response => response.url), [], 'every body was read')
    const leaks = (found: (response: SeenResponse) => boolean): string[] => seen.responses.filter(found).map(response => response.url)
    const everything = (response: SeenResponse): string => response.headers + response.body
    t.same(leaks(response => [...accessTokens, ...refreshTokens].some(token => everything(response).includes(token))), [],
      'no access or refresh token in any response, headers or body')
    t.same(leaks(response => /ory_(at|rt)_/.test(everything(response))), [], 'nothing that looks like an Ory access or refresh token either')
    t.same(leaks(response => idToken !== undefined && response.body.includes(idToken)), [], 'the ID token in no response body')
    t.same(leaks(response => idToken !== undefined && response.headers.includes(idToken) && !logoutResponse(response)), [],
      'nor in any header but the end-session redirect\'s Location')
    t.same(leaks(response => new URL(response.url).pathname.startsWith('/api/') && /eyJ[\w-]{10,}/.test(response.body)), [],
      'no JWT in the body of any /api answer')
    t.ok(cookies.length >= 4, 'document.cookie was read after each step')
    t.same(cookies.filter(value => /bff_session|bff_oauth2|ory_kratos_session/.test(value)), [], 'the session cookies are HttpOnly: never in document.cookie')
    t.same(cookies.filter(value => /ory_(at|rt)_|eyJ/.test(value)), [], 'no token in document.cookie')
  })

  t.same(problems, [], 'no script error, console error or failed request')
  t.same(requests.filter(url => !url.startsWith(`${origin}/`)), [], 'the browser only ever talked to the BFF\'s origin')
})
